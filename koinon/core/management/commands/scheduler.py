"""`python -m koinon scheduler`: enqueue the periodic background jobs when they are due.

A small clock beside `db_worker` (which runs what is enqueued):

- event reminders (24 hours and 1 hour before), every `--reminders-every` minutes (5);
- the daily digest, every day once the local hour reaches `DIGEST_HOUR` (7);
- the weekly digest, on Mondays from the same hour;
- expired opportunities out of the search index, every hour (their lists need no job);
- reputation and trust levels recomputed from their sources, every night at 3;
- polls whose closing time has passed closed (and their voters told), every 5 minutes;
- images uploaded but never posted deleted after 48 hours, every night at 4.

Every job is idempotent on its own (a reminder row per registration and kind, a
delivery row per person and digest period), so enqueuing twice, restarting the
scheduler or running two of them never sends anything twice; the scheduler only
decides *when* to ask. A digest missed while the scheduler was stopped is sent when it
starts again later the same day (or week). `--once` checks once and exits, for cron.
"""

import os
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def _digest_hour() -> int:
    try:
        hour = int(os.environ.get("DIGEST_HOUR", "7"))
    except ValueError:
        return 7
    return hour if 0 <= hour <= 23 else 7


@dataclass
class Job:
    """One periodic job: `key(now)` names the period it is due for (None: not due yet)."""

    name: str
    key: object  # callable(now) -> hashable | None
    enqueue: object  # callable() -> None
    last: object = field(default=None)

    def run_if_due(self, now) -> bool:
        key = self.key(now)
        if key is None or key == self.last:
            return False
        self.enqueue()
        self.last = key
        return True


def _every(minutes: int):
    step = timedelta(minutes=minutes).total_seconds()

    def key(now):
        return int(now.timestamp() // step)

    return key


def _daily(hour: int):
    def key(now):
        local = timezone.localtime(now)
        return local.date() if local.hour >= hour else None

    return key


def _weekly(hour: int, weekday: int = 0):
    def key(now):
        local = timezone.localtime(now)
        if local.weekday() != weekday or local.hour < hour:
            return None
        return local.isocalendar()[:2]

    return key


def default_jobs(reminders_every: int = 5, digest_hour: int | None = None) -> list[Job]:
    from koinon.attachments.cleanup import clean_orphan_attachments
    from koinon.events.tasks import send_event_reminders_task
    from koinon.notifications.tasks import send_digests_task
    from koinon.opportunities.actions import unindex_expired
    from koinon.polls.actions import close_due_polls
    from koinon.reputation.tasks import recompute_reputation_task

    hour = _digest_hour() if digest_hour is None else digest_hour
    return [
        Job(
            "event reminders",
            _every(reminders_every),
            lambda: send_event_reminders_task.enqueue(),
        ),
        Job("daily digest", _daily(hour), lambda: send_digests_task.enqueue("daily")),
        Job("weekly digest", _weekly(hour), lambda: send_digests_task.enqueue("weekly")),
        Job("expired opportunities", _every(60), unindex_expired),
        Job("reputation", _daily(3), lambda: recompute_reputation_task.enqueue()),
        Job("polls", _every(5), close_due_polls),
        Job("orphan images", _daily(4), clean_orphan_attachments),
    ]


def tick(jobs: list[Job], now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due at `now`; the names of those enqueued."""
    now = now or timezone.now()
    return [job.name for job in jobs if job.run_if_due(now)]


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs when due (event reminders every 5 minutes, daily and "
        "weekly digests at DIGEST_HOUR); run it beside db_worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument(
            "--reminders-every", type=int, default=5, help="Minutes between reminder runs."
        )
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between checks (default 30)."
        )

    def handle(self, *args, once=False, reminders_every=5, interval=30.0, verbosity=1, **options):
        if reminders_every < 1 or interval <= 0:
            raise CommandError("--reminders-every and --interval must be positive.")
        jobs = default_jobs(reminders_every)
        stopping = []
        if not once:
            signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
            self.stdout.write(
                f"Scheduler started: reminders every {reminders_every} min, "
                f"digests at {_digest_hour()}:00."
            )
        try:
            while True:
                for name in tick(jobs):
                    if name == "event reminders" and verbosity < 2 and not once:
                        continue  # every few minutes: only with -v 2
                    self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} enqueued {name}")
                if once:
                    return
                slept = 0.0
                while slept < interval and not stopping:
                    time.sleep(min(1.0, interval - slept))
                    slept += 1.0
                if stopping:
                    return
        except KeyboardInterrupt:
            return
