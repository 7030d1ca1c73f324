"""E-mail reminders 24 hours and 1 hour before an event, each sent at most once.

Run every few minutes (`python -m koinon send_event_reminders`, or the task
`send_event_reminders_task` from a scheduler). A `ReminderSent` row, unique per
registration and kind, is written in the same transaction as the e-mail is sent: two
runs at once cannot both send, and a failed send is retried by the next run.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from koinon.events.models import Registration, RegistrationStatus, ReminderKind, ReminderSent
from koinon.lib.mail import absolute_url, send_templated_mail

logger = logging.getLogger(__name__)

# Each kind covers the events starting in (lower, upper] from now: someone who registers
# 3 hours before still gets the 24-hour one (now) and then the 1-hour one.
WINDOWS = {
    ReminderKind.DAY: (timedelta(hours=1), timedelta(hours=24)),
    ReminderKind.HOUR: (timedelta(0), timedelta(hours=1)),
}
BATCH = 500


def due(kind: str, now=None):
    now = now or timezone.now()
    lower, upper = WINDOWS[kind]
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            event__cancelled_at__isnull=True,
            event__starts_at__gt=now + lower,
            event__starts_at__lte=now + upper,
        )
        .exclude(reminders__kind=kind)
        .select_related("user", "event__community")
        .order_by("event__starts_at", "position")
    )


def _send(registration: Registration, kind: str) -> bool:
    event, user = registration.event, registration.user
    try:
        with transaction.atomic():
            ReminderSent.objects.create(registration=registration, kind=kind)
            send_templated_mail(
                user.email,
                "events/email/reminder",
                {
                    "event": event,
                    "person": user,
                    "kind": kind,
                    "start": timezone.make_naive(event.starts_at, event.tz),
                    "end": timezone.make_naive(event.ends_at, event.tz),
                    "event_url": absolute_url(event.get_absolute_url()),
                },
                user.language or None,
            )
    except IntegrityError:
        return False  # another run sent it
    except Exception:
        logger.exception("Reminder %s for registration %s failed", kind, registration.pk)
        return False
    return True


def send_due_reminders(now=None) -> int:
    """Send every reminder that is due now; returns how many were sent."""
    sent = 0
    for kind in (ReminderKind.HOUR, ReminderKind.DAY):
        for registration in due(kind, now)[:BATCH]:
            sent += _send(registration, kind)
    return sent
