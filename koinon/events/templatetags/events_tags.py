"""The events section of the community page: the next few events, one query."""

from django import template
from django.db.models import Count, Min, Q
from django.utils import timezone

from koinon.events.models import Event

register = template.Library()


@register.inclusion_tag("events/partials/community_events.html", takes_context=True)
def community_events(context, community, limit=3):
    events = list(
        Event.objects.filter(
            community=community, ends_at__gte=timezone.now(), cancelled_at__isnull=True
        ).order_by("starts_at")[:limit]
    )
    return {
        "community": community,
        "events": events,
        "cadence": cadence(community),
        "request": context.get("request"),
    }


def cadence(community, now=None):
    """For each recurring series: meetings planned so far and meetings held (not
    cancelled, with attendance recorded). One query."""
    now = now or timezone.now()
    rows = (
        Event.objects.filter(community=community, series__isnull=False, starts_at__lt=now)
        .values("series_id")
        .annotate(
            title=Min("title"),
            planned=Count("pk", distinct=True),
            held=Count(
                "pk",
                filter=Q(cancelled_at__isnull=True, registrations__attended_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("title")[:10]
    )
    return list(rows)
