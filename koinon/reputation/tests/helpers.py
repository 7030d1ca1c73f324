"""Small helpers shared by the reputation tests."""

import io

from django.core.management import call_command

from koinon.reputation.models import ReputationEvent, ReputationScore


def score(user, community=None, tag=None) -> int:
    """One sum: overall (no community), per community, or per community and tag name."""
    qs = ReputationScore.objects.filter(user=user)
    qs = qs.filter(community=community) if community else qs.filter(community__isnull=True)
    qs = qs.filter(tag__name=tag) if tag else qs.filter(tag__isnull=True)
    row = qs.first()
    return row.points if row else 0


def snapshot():
    """The whole ledger and every sum, comparable between two moments."""
    events = sorted(
        ReputationEvent.objects.values_list(
            "source",
            "source_id",
            "user_id",
            "points",
            "community_id",
            "topic_id",
            "post_id",
            "practice_id",
        )
    )
    scores = sorted(
        ReputationScore.objects.values_list("user_id", "community_id", "tag_id", "points"),
        key=lambda r: tuple(-1 if v is None else v for v in r),
    )
    return events, scores


def recompute():
    call_command("recompute_reputation", verbosity=0, stdout=io.StringIO())
