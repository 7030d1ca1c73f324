"""Poll votes in a person's data export and erasure (hooks for koinon.lib.personal_data)."""

from koinon.polls.models import Vote


def export(user) -> dict:
    votes = Vote.objects.filter(user=user).select_related("poll", "option")
    return {
        "votes": [
            {"poll": v.poll.question, "option": v.option.text, "at": v.created_at.isoformat()}
            for v in votes
        ]
    }


def erase(user) -> None:
    """A vote is tied to the person: it goes (the counts of closed polls shrink by one)."""
    Vote.objects.filter(user=user).delete()
