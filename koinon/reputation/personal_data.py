"""Reputation in a person's data export and erasure (hooks for koinon.lib.personal_data).

The ledger is derived from other apps' data (reactions, answers, adoptions,
endorsements); an erased account's rows are dropped here, and the sources go with
their own apps' erasure.
"""

from koinon.reputation.models import ReputationEvent, ReputationScore, TrustLevel


def export(user) -> dict:
    trust = TrustLevel.objects.filter(user=user).first()
    return {
        "trust_level": trust.level if trust else 0,
        "scores": [
            {
                "community": s.community.slug if s.community_id else None,
                "tag": s.tag.name if s.tag_id else None,
                "points": s.points,
            }
            for s in ReputationScore.objects.filter(user=user).select_related("community", "tag")
        ],
        "events": [
            {"source": e.source, "points": e.points, "at": e.created_at.isoformat()}
            for e in ReputationEvent.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase(user) -> None:
    ReputationEvent.objects.filter(user=user).delete()
    ReputationScore.objects.filter(user=user).delete()
    TrustLevel.objects.filter(user=user).delete()
