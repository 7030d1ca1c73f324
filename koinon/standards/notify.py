"""The notification kind for ratification votes opening and closing (see notifications/kinds.py)."""

from django.utils.translation import gettext_lazy as _


def eligible_voters(entry, target):
    """Everyone who may vote on the ballot the entry names."""
    from koinon.standards.models import Ballot
    from koinon.standards.policy import eligible_members

    if target is None:
        return []
    ballot = Ballot.objects.filter(pk=entry.data.get("ballot_id"), standard=target).first()
    if ballot is None:
        return []
    return set(eligible_members(target, ballot.group))


def standard_kinds() -> list:
    from koinon.notifications.kinds import Kind

    return [
        Kind(
            "standard_vote",
            _("Ratification votes opening and closing"),
            _("A ratification vote opened on “%(subject)s”"),
            ("standard.vote_opened", "standard.vote_closed"),
            eligible_voters,
            sentences={"standard.vote_closed": _("The ratification vote on “%(subject)s” closed")},
        ),
    ]
