"""Background tasks: fan-out of an activity entry, and the digests."""

from django_tasks import task


@task()
def fan_out_entry(entry_id: int) -> int:
    from koinon.notifications.fanout import fan_out

    return fan_out(entry_id)


@task()
def send_digests_task(period: str) -> int:
    from koinon.notifications.digests import send_digests

    return send_digests(period)
