"""Background tasks of the events app."""

from django_tasks import task


@task()
def send_event_reminders_task() -> int:
    from koinon.events.reminders import send_due_reminders

    return send_due_reminders()
