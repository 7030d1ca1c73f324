"""Demo: reputation and trust levels for the demo's content.

Reactions, accepted answers, adoptions and endorsements made through the actions
already reach the ledger; this rebuilds it once from the source tables (for content
loaded directly) and gives everyone a trust level. Idempotent like the rest.
"""

from koinon.reputation import ledger, trust


def populate(users: dict, report) -> None:
    counts = ledger.rebuild()
    if counts["added"] or counts["changed"] or counts["removed"]:
        report.add("reputation events", counts["added"])
    trust.refresh_all()
