"""Calendars parse back with `icalendar` and keep local times across DST changes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from koinon.accounts.tests.factories import PASSWORD
from koinon.communities.models import Visibility
from koinon.events import actions
from koinon.events.models import Event
from koinon.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(cal):
    return list(cal.walk("VEVENT"))


def _weekly(moderator, community, **extra):
    start = datetime(2027, 3, 16, 18, 0, tzinfo=ROME)
    return actions.do_create_event(
        moderator,
        community,
        kind="meetup",
        title="Weekly stand-up",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Europe/Rome",
        capacity=1,
        rrule="FREQ=WEEKLY;COUNT=6",
        online_url="https://meet.example.org/room",
        **extra,
    )


def test_one_event_as_ics(client, community):
    event = EventFactory(
        community=community,
        starts_at=datetime(2027, 11, 2, 18, 0, tzinfo=ROME),
        ends_at=datetime(2027, 11, 2, 20, 0, tzinfo=ROME),
        venue="Sala Verdi",
        online_url="https://meet.example.org/room",
    )
    cal = _parse(client.get(f"/c/pm/events/{event.pk}/event.ics"))
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//Koinon//Events//EN"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]
    (vevent,) = _events(cal)
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver"
    assert "DTSTAMP" in vevent
    assert vevent["DTSTART"].params["TZID"] == "Europe/Rome"
    start = vevent.decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (18, timedelta(hours=1))  # winter time
    assert vevent["STATUS"] == "CONFIRMED"
    assert str(vevent["LOCATION"]) == "Sala Verdi"
    assert "meet.example.org" not in response_text(vevent)  # not registered
    assert str(vevent["URL"]) == f"http://testserver/c/pm/events/{event.pk}/"


def response_text(vevent) -> str:
    return vevent.to_ical().decode()


def test_the_uid_is_stable_and_the_sequence_grows(client, community, moderator):
    event = EventFactory(community=community)
    event.hosts.add(moderator)
    first = _events(_parse(client.get(f"/c/pm/events/{event.pk}/event.ics")))[0]
    actions.do_update_event(moderator, event, title="Renamed")
    second = _events(_parse(client.get(f"/c/pm/events/{event.pk}/event.ics")))[0]
    assert first["UID"] == second["UID"]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)


def test_series_has_rrule_exdate_overrides_and_cancellations(client, community, moderator):
    first = _weekly(moderator, community, exdates=["2027-04-13"])
    occurrences = list(Event.objects.filter(series=first.series).order_by("starts_at"))
    moved = occurrences[1]  # 23 March: moved to 20:00 on its own
    actions.do_update_event(
        moderator,
        moved,
        starts_at=datetime(2027, 3, 23, 20, 0, tzinfo=ROME),
        ends_at=datetime(2027, 3, 23, 21, 0, tzinfo=ROME),
    )
    actions.do_cancel_event(moderator, occurrences[3])  # 6 April

    cal = _parse(client.get(f"/c/pm/events/{first.pk}/series.ics"))
    vevents = _events(cal)
    masters = [v for v in vevents if "RRULE" in v]
    assert len(masters) == 1
    master = masters[0]
    uid = f"series-{first.series_id}@testserver"
    assert {str(v["UID"]) for v in vevents} == {uid}
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6"
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [datetime(2027, 4, 13, 18, 0, tzinfo=ROME)]

    # Expand the master like a calendar would: 18:00 local before and after 28 March.
    start = master.decoded("DTSTART")
    assert start.tzinfo is not None
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start)
    local = [(d.strftime("%m-%d %H:%M"), d.utcoffset()) for d in rule if d not in exdates]
    assert local == [
        ("03-16 18:00", timedelta(hours=1)),
        ("03-23 18:00", timedelta(hours=1)),
        ("03-30 18:00", timedelta(hours=2)),
        ("04-06 18:00", timedelta(hours=2)),
        ("04-20 18:00", timedelta(hours=2)),
    ]

    overrides = {
        v.decoded("RECURRENCE-ID").strftime("%m-%d %H:%M"): v
        for v in vevents
        if "RECURRENCE-ID" in v
    }
    assert set(overrides) == {"03-23 18:00", "04-06 18:00"}
    assert overrides["03-23 18:00"].decoded("DTSTART").strftime("%H:%M") == "20:00"
    assert overrides["04-06 18:00"]["STATUS"] == "CANCELLED"


def test_community_feed_is_public_for_a_public_community(client, community, moderator):
    _weekly(moderator, community)
    single = EventFactory(community=community, title="Conference day")
    cal = _parse(client.get("/c/pm/events/feed.ics"))
    summaries = sorted(str(v["SUMMARY"]) for v in _events(cal))
    assert summaries == ["Conference day", "Weekly stand-up"]
    assert str(cal["X-WR-CALNAME"]) == community.name
    assert single.online_url == ""
    assert b"meet.example.org" not in cal.to_ical()  # online links never in a shared feed


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_community_feed_of_a_private_community_is_for_members(
    client, community, moderator, member, visibility
):
    _weekly(moderator, community)
    community.visibility = visibility
    community.save()
    assert client.get("/c/pm/events/feed.ics").status_code == 404
    client.login(email=member.email, password=PASSWORD)
    assert len(_events(_parse(client.get("/c/pm/events/feed.ics")))) == 1


def test_personal_feed_lists_my_events_at_local_time_across_dst(
    client, community, moderator, member, mentor
):
    first = _weekly(moderator, community)
    occurrences = list(Event.objects.filter(series=first.series).order_by("starts_at"))
    before, after = occurrences[1], occurrences[2]  # 23 and 30 March 2027
    actions.do_register(mentor, after)
    actions.do_register(member, before)
    actions.do_register(member, after)  # full: wait-listed
    token = actions.calendar_token_for(member).token

    cal = _parse(client.get(f"/events/calendar/{token}.ics"))  # no login needed
    vevents = sorted(_events(cal), key=lambda v: v.decoded("DTSTART"))
    assert [str(v["UID"]) for v in vevents] == [
        f"event-{before.pk}@testserver",
        f"event-{after.pk}@testserver",
    ]
    starts = [v.decoded("DTSTART") for v in vevents]
    assert [(s.strftime("%Y-%m-%d %H:%M"), s.utcoffset()) for s in starts] == [
        ("2027-03-23 18:00", timedelta(hours=1)),
        ("2027-03-30 18:00", timedelta(hours=2)),
    ]
    # The online link only where the place is confirmed.
    assert "meet.example.org" in response_text(vevents[0])
    assert "meet.example.org" not in response_text(vevents[1])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]


def test_personal_feed_drops_cancelled_registrations_and_hidden_communities(
    client, community, moderator, member
):
    event = EventFactory(community=community)
    actions.do_register(member, event)
    token = actions.calendar_token_for(member).token
    assert len(_events(_parse(client.get(f"/events/calendar/{token}.ics")))) == 1
    # Leaving a private community hides its events from the feed.
    community.visibility = Visibility.PRIVATE
    community.save()
    member.memberships.all().delete()
    assert _events(_parse(client.get(f"/events/calendar/{token}.ics"))) == []


def test_regenerating_the_token_revokes_the_old_address(client, member):
    old = actions.calendar_token_for(member).token
    new = actions.do_regenerate_calendar_token(member).token
    assert old != new
    assert client.get(f"/events/calendar/{old}.ics").status_code == 404
    assert client.get(f"/events/calendar/{new}.ics").status_code == 200
    assert client.get("/events/calendar/not-a-token.ics").status_code == 404


def test_cancelled_event_is_marked_cancelled(client, community, moderator):
    event = EventFactory(community=community)
    event.hosts.add(moderator)
    actions.do_cancel_event(moderator, event)
    (vevent,) = _events(_parse(client.get(f"/c/pm/events/{event.pk}/event.ics")))
    assert vevent["STATUS"] == "CANCELLED"


def test_community_feed_is_bounded(client, community, moderator, django_assert_max_num_queries):
    _weekly(moderator, community)
    for _ in range(10):
        EventFactory(community=community)
    with django_assert_max_num_queries(6):
        cal = _parse(client.get("/c/pm/events/feed.ics"))
    assert len(_events(cal)) == 11
