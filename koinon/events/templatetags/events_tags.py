"""The events section of the community page: the next few events, one query."""

from django import template
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
    return {"community": community, "events": events, "request": context.get("request")}
