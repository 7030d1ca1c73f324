from django import template

from koinon.notifications.actions import unread_count as count_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in reader's unread count: one COUNT query, once per request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return 0
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        cached = request._unread_notifications = count_unread(user)
    return cached
