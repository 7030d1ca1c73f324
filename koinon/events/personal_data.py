"""Events in a person's data export and erasure (hooks for koinon.lib.personal_data)."""

from django.utils import timezone

from koinon.events.models import ACTIVE_STATUSES, CalendarToken, Feedback, Registration


def _dt(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    registrations = Registration.objects.filter(user=user).select_related("event")
    feedback = Feedback.objects.filter(user=user).select_related("event")
    return {
        "registrations": [
            {
                "event": r.event.title,
                "starts_at": _dt(r.event.starts_at),
                "status": r.status,
                "registered_at": _dt(r.created_at),
            }
            for r in registrations
        ],
        "feedback": [
            {"event": f.event.title, "rating": f.rating, "comment": f.comment} for f in feedback
        ],
        "has_personal_calendar_feed": CalendarToken.objects.filter(user=user).exists(),
    }


def erase(user) -> None:
    """Free the person's places in coming events (the wait list moves up), drop the
    personal feed and the words of their feedback; past attendance stays, unnamed."""
    from koinon.events.actions import do_cancel_registration

    coming = Registration.objects.filter(
        user=user, status__in=ACTIVE_STATUSES, event__starts_at__gt=timezone.now()
    ).select_related("event")
    for registration in coming:
        do_cancel_registration(user, registration.event)
    CalendarToken.objects.filter(user=user).delete()
    Feedback.objects.filter(user=user).update(comment="")
