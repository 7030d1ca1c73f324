"""Standards in a person's data export and erasure (hooks for koinon.lib.personal_data)."""

from koinon.standards.models import Amendment, SectionComment, Vote


def _dt(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    comments = SectionComment.objects.filter(author=user).select_related("standard")
    amendments = Amendment.objects.filter(author=user).select_related("standard")
    votes = Vote.objects.filter(voter=user).select_related("ballot__standard")
    return {
        "drafted": list(user.drafted_standards.values_list("title", flat=True)),
        "comments": [
            {
                "standard": c.standard.title,
                "section": c.section_title,
                "body": c.body,
                "at": _dt(c.created_at),
            }
            for c in comments
        ],
        "amendments": [
            {
                "standard": a.standard.title,
                "section": a.section_title,
                "text": a.text,
                "rationale": a.rationale,
                "status": a.status,
                "at": _dt(a.created_at),
            }
            for a in amendments
        ],
        "votes": [
            {
                "standard": v.ballot.standard.title,
                "version": v.ballot.version,
                "choice": v.choice,
                "reason": v.reason,
                "at": _dt(v.created_at),
            }
            for v in votes
        ],
    }


def erase(user) -> None:
    """Drop the person's comments, their votes in votes still open (closed results are
    stored counts and stay) and their place among the drafters. Accepted amendments are
    part of the text's history: their words stay, the author's name goes with the account."""
    SectionComment.objects.filter(author=user).delete()
    Vote.objects.filter(voter=user, ballot__closed_at__isnull=True).delete()
    Amendment.objects.filter(author=user).exclude(status="accepted").update(
        text="", rationale="", status="rejected"
    )
    user.drafted_standards.clear()
