"""`{% load messaging %}{% unread_messages_badge %}`: a link to the inbox with the
unread count, for any template (one query)."""

from django import template

from koinon.messaging.policy import unread_count

register = template.Library()


@register.inclusion_tag("messaging/partials/unread_badge.html", takes_context=True)
def unread_messages_badge(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread_messages": unread_count(user) if user else 0, "user": user}
