"""The scheduler enqueues each periodic job once per period, and reminders go out once."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from koinon.core.management.commands import scheduler
from koinon.events import actions
from koinon.events.models import ReminderSent
from koinon.events.tests.factories import EventFactory
from koinon.reputation.models import TrustLevel

ROME = ZoneInfo("Europe/Rome")


def _jobs(calls):
    return [
        scheduler.Job("event reminders", scheduler._every(5), lambda: calls.append("reminders")),
        scheduler.Job("daily digest", scheduler._daily(7), lambda: calls.append("daily")),
        scheduler.Job("weekly digest", scheduler._weekly(7), lambda: calls.append("weekly")),
    ]


def test_each_job_is_enqueued_once_per_period(settings):
    settings.TIME_ZONE = "Europe/Rome"
    calls = []
    jobs = _jobs(calls)
    monday_early = datetime(2027, 3, 29, 6, 58, tzinfo=ROME)  # a Monday, before 7:00
    assert scheduler.tick(jobs, monday_early) == ["event reminders"]
    assert scheduler.tick(jobs, monday_early + timedelta(minutes=1)) == []  # same 5 minutes
    at_seven = datetime(2027, 3, 29, 7, 0, 30, tzinfo=ROME)
    assert scheduler.tick(jobs, at_seven) == ["event reminders", "daily digest", "weekly digest"]
    assert scheduler.tick(jobs, at_seven + timedelta(minutes=2)) == []
    assert scheduler.tick(jobs, at_seven + timedelta(minutes=5)) == ["event reminders"]
    tuesday = datetime(2027, 3, 30, 9, 0, tzinfo=ROME)
    assert scheduler.tick(jobs, tuesday) == ["event reminders", "daily digest"]
    next_monday = datetime(2027, 4, 5, 7, 10, tzinfo=ROME)
    assert "weekly digest" in scheduler.tick(jobs, next_monday)
    assert calls.count("weekly") == 2 and calls.count("daily") == 3


def test_a_digest_missed_while_stopped_is_sent_later_the_same_day(settings):
    settings.TIME_ZONE = "Europe/Rome"
    calls = []
    # Started at 15:00 on a Wednesday: the daily digest is due at once, the weekly is not.
    assert scheduler.tick(_jobs(calls), datetime(2027, 3, 31, 15, 0, tzinfo=ROME)) == [
        "event reminders",
        "daily digest",
    ]


@pytest.mark.django_db
def test_once_runs_the_reminders_and_a_second_run_sends_nothing_twice(community, member):
    event = EventFactory(community=community, starts_at=timezone.now() + timedelta(minutes=50))
    actions.do_register(member, event)
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "enqueued event reminders" in out.getvalue()
    assert list(ReminderSent.objects.values_list("kind", flat=True)) == ["1h"]
    sent = len(mail.outbox)
    assert sent == 1
    call_command("scheduler", "--once", stdout=StringIO())
    assert len(mail.outbox) == sent


def test_bad_arguments_are_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("scheduler", "--once", "--interval", "0")


@pytest.mark.django_db
def test_expired_opportunities_leave_the_search_every_hour(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "koinon.opportunities.actions.unindex_expired", lambda: calls.append("expired")
    )
    jobs = {job.name: job for job in scheduler.default_jobs()}
    job = jobs["expired opportunities"]
    ten = datetime(2027, 3, 29, 10, 0, 30, tzinfo=ROME)
    assert scheduler.tick([job], ten) == ["expired opportunities"]
    assert scheduler.tick([job], ten + timedelta(minutes=30)) == []
    assert scheduler.tick([job], ten + timedelta(minutes=61)) == ["expired opportunities"]
    assert calls == ["expired", "expired"]


@pytest.mark.django_db
def test_reputation_is_recomputed_every_night(settings, community, member):
    settings.TIME_ZONE = "Europe/Rome"
    jobs = {job.name: job for job in scheduler.default_jobs()}
    night = datetime(2027, 3, 29, 3, 5, tzinfo=ROME)
    assert scheduler.tick([jobs["reputation"]], night) == ["reputation"]
    assert scheduler.tick([jobs["reputation"]], night + timedelta(hours=2)) == []
    assert TrustLevel.objects.filter(user=member).exists()  # the task ran (immediate backend)


def test_the_default_jobs_cover_every_periodic_duty():
    names = {job.name for job in scheduler.default_jobs()}
    assert names == {
        "event reminders",
        "daily digest",
        "weekly digest",
        "expired opportunities",
        "reputation",
        "polls",
        "orphan images",
    }
