from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from koinon.events import actions, recurrence
from koinon.events.models import Event, Registration, Series
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _local(event):
    return timezone.localtime(event.starts_at, ROME)


def _series(actor, community, *, rrule="FREQ=WEEKLY;COUNT=6", exdates=(), start=None, **extra):
    start = start or datetime(2027, 3, 16, 18, 0, tzinfo=ROME)  # a Tuesday before the DST change
    return actions.do_create_event(
        actor,
        community,
        kind="meetup",
        title="Weekly stand-up",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Europe/Rome",
        capacity=1,
        rrule=rrule,
        exdates=exdates,
        **extra,
    )


def test_weekly_meeting_stays_at_18_local_across_the_march_change(community, moderator):
    _series(moderator, community)
    events = list(Event.objects.order_by("starts_at"))
    assert [_local(e).strftime("%Y-%m-%d %H:%M") for e in events] == [
        "2027-03-16 18:00",
        "2027-03-23 18:00",
        "2027-03-30 18:00",
        "2027-04-06 18:00",
        "2027-04-13 18:00",
        "2027-04-20 18:00",
    ]
    # In UTC the meeting moves by an hour when Italy goes to summer time on 28 March.
    assert events[1].starts_at.astimezone(UTC).hour == 17
    assert events[2].starts_at.astimezone(UTC).hour == 16


def test_weekly_meeting_stays_at_18_local_across_the_october_change(community, moderator):
    _series(moderator, community, start=datetime(2027, 10, 19, 18, 0, tzinfo=ROME))
    hours = {_local(e).hour for e in Event.objects.all()}
    utc_hours = [e.starts_at.astimezone(UTC).hour for e in Event.objects.order_by("starts_at")]
    assert hours == {18}
    assert utc_hours[:2] == [16, 16] and utc_hours[2:] == [17, 17, 17, 17]


def test_monthly_on_the_first_tuesday(community, moderator):
    _series(
        moderator,
        community,
        rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=3",
        start=datetime(2027, 2, 2, 18, 0, tzinfo=ROME),
    )
    days = [_local(e).date().isoformat() for e in Event.objects.order_by("starts_at")]
    assert days == ["2027-02-02", "2027-03-02", "2027-04-06"]


def test_exceptions_are_skipped(community, moderator):
    _series(moderator, community, exdates=["2027-03-30"])
    days = [_local(e).date().isoformat() for e in Event.objects.order_by("starts_at")]
    assert "2027-03-30" not in days
    assert len(days) == 5
    assert Series.objects.get().exdates == ["2027-03-30"]


def test_until_as_a_local_date_is_kept_in_utc(community, moderator):
    _series(moderator, community, rrule="FREQ=WEEKLY;INTERVAL=2;UNTIL=20270413")
    assert Series.objects.get().rrule == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270413T215959Z"
    days = [_local(e).date().isoformat() for e in Event.objects.order_by("starts_at")]
    assert days == ["2027-03-16", "2027-03-30", "2027-04-13"]


@pytest.mark.parametrize(
    "rule, code_text",
    [
        ("FREQ=WEEKLY", "never ends"),
        ("FREQ=WEEKLY;COUNT=500", "more than 200"),
        ("FREQ=HOURLY;COUNT=3", "FREQ=DAILY"),
        ("FREQ=WEEKLY;COUNT=3;BYHOUR=9", "BYHOUR"),
        ("FREQ=WEEKLY;COUNT=abc", "cannot be read"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "not both"),
        ("every tuesday", "cannot be read"),
        ("FREQ=WEEKLY;UNTIL=2027", "UNTIL must be a date"),
        ("FREQ=WEEKLY;COUNT=1\nDTSTART:20200101", "only the rule"),
    ],
)
def test_bad_rules_get_a_clear_error(community, moderator, rule, code_text):
    with pytest.raises(ActionError) as err:
        _series(moderator, community, rrule=rule)
    assert err.value.field == "rrule"
    assert code_text in str(err.value.message)
    assert not Event.objects.exists()
    assert not Series.objects.exists()


def test_exceptions_that_remove_everything_are_refused(community, moderator):
    with pytest.raises(ActionError):
        _series(moderator, community, rrule="FREQ=WEEKLY;COUNT=1", exdates=["2027-03-16"])


def test_bad_exception_dates_are_refused():
    with pytest.raises(ActionError) as err:
        recurrence.parse_exdates("2027-03-30, next week")
    assert err.value.field == "exdates"
    assert recurrence.parse_exdates("2027-03-30 2027-03-23") == ["2027-03-23", "2027-03-30"]


def test_each_occurrence_has_its_own_places(community, moderator, member, mentor):
    first = _series(moderator, community)
    second = Event.objects.filter(series=first.series).order_by("starts_at")[1]
    assert actions.do_register(member, first).status == "confirmed"
    assert actions.do_register(mentor, first).status == "waitlisted"
    assert actions.do_register(mentor, second).status == "confirmed"


def test_editing_one_occurrence_leaves_the_others(community, moderator):
    first = _series(moderator, community)
    third = Event.objects.filter(series=first.series).order_by("starts_at")[2]
    actions.do_update_event(moderator, third, title="Retrospective", venue="Room B")
    third.refresh_from_db()
    assert third.is_override
    assert Event.objects.filter(title="Retrospective").count() == 1


def test_editing_the_series_changes_every_coming_occurrence_but_not_overrides(
    community, moderator, member, django_capture_on_commit_callbacks, mailoutbox
):
    first = _series(moderator, community)
    occurrences = list(Event.objects.filter(series=first.series).order_by("starts_at"))
    actions.do_update_event(moderator, occurrences[2], title="Retrospective")
    actions.do_register(member, occurrences[4])
    new_start = datetime(2027, 3, 16, 19, 30, tzinfo=ROME)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_event(
            moderator,
            first,
            scope="series",
            title="Stand-up",
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=1),
        )
    rows = list(Event.objects.filter(series=first.series).order_by("recurrence_id"))
    assert [(e.title, _local(e).strftime("%d %H:%M")) for e in rows] == [
        ("Stand-up", "16 19:30"),
        ("Stand-up", "23 19:30"),
        ("Retrospective", "30 18:00"),
        ("Stand-up", "06 19:30"),
        ("Stand-up", "13 19:30"),
        ("Stand-up", "20 19:30"),
    ]
    # The rule moved too: the series starts at 19:30 and each RECURRENCE-ID follows.
    series = Series.objects.get()
    assert timezone.localtime(series.first_start, ROME).strftime("%H:%M") == "19:30"
    assert {timezone.localtime(e.recurrence_id, ROME).strftime("%H:%M") for e in rows} == {"19:30"}
    assert [m.to for m in mailoutbox] == [[member.email]]  # told about the new time


def test_cancelling_one_occurrence(community, moderator, member):
    first = _series(moderator, community)
    second = Event.objects.filter(series=first.series).order_by("starts_at")[1]
    actions.do_register(member, second)
    assert actions.do_cancel_event(moderator, second) == 1
    assert Event.objects.filter(cancelled_at__isnull=False).count() == 1
    assert Registration.objects.get().status == "confirmed"  # kept, but the event is off


def test_cancelling_the_series_cancels_every_coming_occurrence(community, moderator):
    first = _series(moderator, community)
    assert actions.do_cancel_event(moderator, first, scope="series") == 6
    with pytest.raises(ActionError) as err:
        actions.do_cancel_event(moderator, first, scope="series")
    assert err.value.status == 409


def test_series_scope_on_a_single_event_is_refused(community, moderator):
    start = timezone.now() + timedelta(days=1)
    event = actions.do_create_event(
        moderator, community, title="One", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    with pytest.raises(ActionError) as err:
        actions.do_update_event(moderator, event, scope="series", title="Two")
    assert err.value.field == "scope"


def test_registration_window_moves_with_each_occurrence(community, moderator):
    start = datetime(2027, 3, 16, 18, 0, tzinfo=ROME)
    first = _series(
        moderator,
        community,
        registration_opens_at=start - timedelta(days=7),
        registration_closes_at=start - timedelta(hours=2),
    )
    second = Event.objects.filter(series=first.series).order_by("starts_at")[1]
    assert second.registration_opens_at == second.starts_at - timedelta(days=7)
    assert second.registration_closes_at == second.starts_at - timedelta(hours=2)
