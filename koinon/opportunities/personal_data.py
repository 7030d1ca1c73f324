"""Opportunities in a person's data export and erasure (hooks for koinon.lib.personal_data)."""

from django.utils import timezone

from koinon.opportunities.models import Interest, Opportunity, OpportunityStatus


def _dt(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    published = Opportunity.objects.filter(author=user).select_related("community")
    interests = Interest.objects.filter(user=user).select_related("opportunity")
    return {
        "published": [
            {
                "id": o.pk,
                "community": o.community.slug,
                "kind": o.kind,
                "title": o.title,
                "description": o.description,
                "location": o.location,
                "remote": o.remote,
                "expires_on": o.expires_on.isoformat(),
                "status": o.status,
                "created_at": _dt(o.created_at),
            }
            for o in published
        ],
        "interested_in": [
            {
                "opportunity_id": i.opportunity_id,
                "title": i.opportunity.title,
                "at": _dt(i.created_at),
            }
            for i in interests
        ],
    }


def erase(user) -> None:
    """Close what the person published (nobody could answer it any more) and drop their
    interests; the conversations they opened follow the messaging app's own erasure."""
    from koinon.opportunities.actions import _index

    live = list(Opportunity.objects.filter(author=user, status=OpportunityStatus.OPEN))
    Opportunity.objects.filter(pk__in=[o.pk for o in live]).update(
        status=OpportunityStatus.CLOSED, closed_at=timezone.now()
    )
    for opportunity in live:
        opportunity.status = OpportunityStatus.CLOSED
        _index(opportunity)
    Interest.objects.filter(user=user).delete()
