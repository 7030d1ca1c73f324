"""Signal receivers: every new activity entry with a notification kind is fanned out
after its transaction commits; a wait-list promotion and a reminder sent are appended to
the log (privately, naming the person), so they reach the bell too."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from koinon.core.models import ActivityEntry
from koinon.lib import person_counts
from koinon.notifications.kinds import KINDS_BY_VERB
from koinon.notifications.models import Notification


@receiver(post_save, sender=ActivityEntry, dispatch_uid="notifications_fan_out")
def schedule_fan_out(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.verb not in KINDS_BY_VERB:
        return
    from koinon.notifications.tasks import fan_out_entry

    entry_id = instance.pk
    transaction.on_commit(lambda: fan_out_entry.enqueue(entry_id))


@receiver(post_save, sender=Notification, dispatch_uid="notifications_count_saved")
@receiver(post_delete, sender=Notification, dispatch_uid="notifications_count_deleted")
def forget_unread_count(sender, instance, raw=False, **kwargs):
    """A notification made, read or deleted one by one (bulk changes forget themselves)."""
    from koinon.notifications.actions import UNREAD

    person_counts.forget(UNREAD, [instance.recipient_id])


def log_promotion(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """The events app promotes from the wait list by saving `promoted_at`; log it once."""
    if raw or created or not update_fields or "promoted_at" not in update_fields:
        return
    if instance.promoted_at is None:
        return
    from koinon.core.activity import log_activity

    event = instance.event
    log_activity(
        None,
        "event.waitlist_promoted",
        community=event.community,
        target=event,
        is_private=True,
        user_id=instance.user_id,
    )


def log_reminder(sender, instance, created, raw=False, **kwargs):
    """The events app records each reminder it e-mails once (`ReminderSent`); log it."""
    if raw or not created:
        return
    from koinon.core.activity import log_activity

    registration = instance.registration
    event = registration.event
    log_activity(
        None,
        "event.reminded",
        community=event.community,
        target=event,
        is_private=True,
        user_id=registration.user_id,
        reminder=instance.kind,
    )


def connect():
    from koinon.events.models import Registration, ReminderSent

    post_save.connect(log_promotion, sender=Registration, dispatch_uid="notifications_promotion")
    post_save.connect(log_reminder, sender=ReminderSent, dispatch_uid="notifications_reminder")
