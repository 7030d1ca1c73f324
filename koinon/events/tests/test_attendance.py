"""Reminders sent once, check-in (by hosts or with the code), feedback, cadence kept."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from koinon.accounts.tests.factories import PASSWORD
from koinon.events import actions
from koinon.events.models import Event, Feedback, Registration, ReminderSent, Series
from koinon.events.reminders import send_due_reminders
from koinon.events.templatetags.events_tags import cadence
from koinon.events.tests.factories import EventFactory
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def _starting_in(community, delta, **extra):
    start = timezone.now() + delta
    return EventFactory(
        community=community, starts_at=start, ends_at=start + timedelta(hours=2), **extra
    )


# --- Reminders ------------------------------------------------------------------------


def test_reminders_24h_and_1h_are_each_sent_once(community, member, mentor, mailoutbox):
    tomorrow = _starting_in(community, timedelta(hours=20), online_url="https://meet.example/x")
    soon = _starting_in(community, timedelta(minutes=40))
    later = _starting_in(community, timedelta(days=3))
    for event in (tomorrow, soon, later):
        actions.do_register(member, event)
    mentor.language = "it"
    mentor.save()
    actions.do_register(mentor, tomorrow)

    assert send_due_reminders() == 3
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert subjects == [
        (mentor.email, f"Domani: “{tomorrow.title}”"),  # in her language
        (member.email, f"In one hour: “{soon.title}”"),
        (member.email, f"Tomorrow: “{tomorrow.title}”"),
    ]
    assert "https://meet.example/x" in mailoutbox[0].body + mailoutbox[1].body
    # A second run sends nothing more; the rows say what went out.
    assert send_due_reminders() == 0
    assert ReminderSent.objects.count() == 3
    assert len(mailoutbox) == 3


def test_one_hour_reminder_follows_the_day_reminder(community, member, mailoutbox):
    event = _starting_in(community, timedelta(hours=5))
    actions.do_register(member, event)
    assert send_due_reminders() == 1
    assert send_due_reminders(now=timezone.now() + timedelta(hours=4, minutes=30)) == 1
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == ["1h", "24h"]


def test_no_reminders_for_cancelled_events_wait_list_or_cancelled_places(
    community, member, mentor, owner, mailoutbox
):
    full = _starting_in(community, timedelta(hours=3), capacity=1)
    actions.do_register(member, full)
    actions.do_register(mentor, full)  # wait-listed
    gone = _starting_in(community, timedelta(hours=3))
    actions.do_register(owner, gone)
    actions.do_cancel_registration(owner, gone)
    off = _starting_in(community, timedelta(hours=3))
    actions.do_register(mentor, off)
    Event.objects.filter(pk=off.pk).update(cancelled_at=timezone.now())
    assert send_due_reminders() == 1
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_failed_send_is_retried_next_time(community, member, mailoutbox, monkeypatch):
    event = _starting_in(community, timedelta(hours=3))
    actions.do_register(member, event)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("koinon.events.reminders.send_templated_mail", broken)
    assert send_due_reminders() == 0
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert send_due_reminders() == 1


def test_the_command_sends_due_reminders(community, member, mailoutbox, capsys):
    actions.do_register(member, _starting_in(community, timedelta(hours=3)))
    call_command("send_event_reminders")
    assert "1 reminder(s) sent" in capsys.readouterr().out


# --- Check-in ---------------------------------------------------------------------------


@pytest.fixture
def running(community, moderator):
    event = _starting_in(community, timedelta(minutes=-10))
    event.hosts.add(moderator)
    return event


def _register_now(event, user):
    """Register someone for an event that has already started (set up directly)."""
    return Registration.objects.create(
        event=event, user=user, status="confirmed", position=Registration.objects.count() + 1
    )


def test_person_checks_in_with_the_code(running, member):
    _register_now(running, member)
    registration = actions.do_self_check_in(member, running, running.check_in_code.lower())
    assert registration.attended_at is not None


def test_wrong_code_is_a_clear_error(running, member):
    _register_now(running, member)
    with pytest.raises(ActionError) as err:
        actions.do_self_check_in(member, running, "WRONG1")
    assert (err.value.field, err.value.code, err.value.status) == ("code", "wrong_code", 400)
    assert Registration.objects.get().attended_at is None


def test_check_in_is_refused_long_before_the_start(community, member):
    event = _starting_in(community, timedelta(hours=3))
    actions.do_register(member, event)
    with pytest.raises(ActionError) as err:
        actions.do_self_check_in(member, event, event.check_in_code)
    assert err.value.code == "check_in_not_open"


def test_without_a_place_there_is_no_check_in(running, member):
    with pytest.raises(ActionError) as err:
        actions.do_self_check_in(member, running, running.check_in_code)
    assert err.value.code == "not_registered"


def test_host_checks_people_in_by_htmx(client, running, moderator, member):
    _register_now(running, member)
    client.login(email=moderator.email, password=PASSWORD)
    page = client.get(f"/c/pm/events/{running.pk}/registrations/")
    assert running.check_in_code in page.text
    response = client.post(
        f"/c/pm/events/{running.pk}/registrations/{member.pk}/check-in/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Present" in response.text
    assert Registration.objects.get().checked_in_by == moderator


def test_member_may_not_check_others_in(client, running, member, mentor):
    _register_now(running, mentor)
    client.login(email=member.email, password=PASSWORD)
    url = f"/c/pm/events/{running.pk}/registrations/{mentor.pk}/check-in/"
    assert client.post(url).status_code == 403


def test_self_check_in_page(client, running, member):
    _register_now(running, member)
    client.login(email=member.email, password=PASSWORD)
    page = client.get(running.get_absolute_url())
    assert "Check-in code" in page.text
    assert running.check_in_code not in page.text  # only hosts see the code
    bad = client.post(f"/c/pm/events/{running.pk}/check-in/", {"code": "NOPE"})
    assert bad.status_code == 400
    assert "This code is not right" in bad.text
    good = client.post(f"/c/pm/events/{running.pk}/check-in/", {"code": running.check_in_code})
    assert good.status_code == 302


# --- Feedback --------------------------------------------------------------------------


def test_attendee_gives_feedback_once_and_can_change_it(running, member):
    registration = _register_now(running, member)
    with pytest.raises(ActionError) as err:
        actions.do_give_feedback(member, running, rating=5)
    assert err.value.status == 403
    registration.attended_at = timezone.now()
    registration.save()
    actions.do_give_feedback(member, running, rating=4, comment="Useful")
    actions.do_give_feedback(member, running, rating=5, comment="Very useful")
    assert list(Feedback.objects.values_list("rating", "comment")) == [(5, "Very useful")]


@pytest.mark.parametrize("rating", [0, 6, "5", None, True])
def test_rating_must_be_1_to_5(running, member, rating):
    _register_now(running, member)
    Registration.objects.update(attended_at=timezone.now())
    with pytest.raises(ActionError) as err:
        actions.do_give_feedback(member, running, rating=rating)
    assert err.value.field == "rating"


def test_feedback_form_and_host_summary(client, running, member, moderator):
    _register_now(running, member)
    Registration.objects.update(attended_at=timezone.now())
    client.login(email=member.email, password=PASSWORD)
    assert "Your feedback" in client.get(running.get_absolute_url()).text
    bad = client.post(f"/c/pm/events/{running.pk}/feedback/", {"rating": "9"})
    assert bad.status_code == 400
    ok = client.post(f"/c/pm/events/{running.pk}/feedback/", {"rating": "4", "comment": "Good"})
    assert ok.status_code == 302
    client.login(email=moderator.email, password=PASSWORD)
    summary = client.get(f"/c/pm/events/{running.pk}/registrations/").text
    assert "Average 4.0 out of 5, from 1 person." in summary
    assert "Good" in summary


# --- Cadence --------------------------------------------------------------------------


def test_cadence_counts_planned_and_held_meetings(community, moderator, member):
    series = Series.objects.create(
        community=community,
        rrule="FREQ=WEEKLY;COUNT=4",
        first_start=timezone.now() - timedelta(days=21),
    )
    meetings = []
    for week in range(4):
        start = timezone.now() - timedelta(days=21 - 7 * week, hours=1)
        meetings.append(
            EventFactory(
                community=community,
                series=series,
                recurrence_id=start,
                title="Stand-up",
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
            )
        )
    Registration.objects.create(
        event=meetings[0], user=member, status="confirmed", position=1, attended_at=timezone.now()
    )
    Registration.objects.create(
        event=meetings[1], user=member, status="confirmed", position=1, attended_at=timezone.now()
    )
    Event.objects.filter(pk=meetings[2].pk).update(cancelled_at=timezone.now())
    assert cadence(community) == [
        {"series_id": series.pk, "title": "Stand-up", "planned": 4, "held": 2}
    ]


def test_community_page_shows_the_cadence(client, community, moderator, member):
    start = timezone.now() - timedelta(days=1)
    series = Series.objects.create(
        community=community, rrule="FREQ=WEEKLY;COUNT=1", first_start=start
    )
    EventFactory(
        community=community,
        series=series,
        recurrence_id=start,
        title="Reading club",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    page = client.get(community.get_absolute_url())
    assert "Reading club: 0 of 1 planned meeting held" in page.text
