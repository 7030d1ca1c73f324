"""Changing a series' repeat rule and exceptions after creation: action, page, API, .ics."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from koinon.accounts.tests.factories import PASSWORD
from koinon.events import actions
from koinon.events.models import Event, Registration, Series
from koinon.events.tests.test_api import Api
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
START = datetime(2027, 3, 16, 18, 0, tzinfo=ROME)  # a Tuesday


def _series(actor, community, rrule="FREQ=WEEKLY;COUNT=4", exdates=()):
    return actions.do_create_event(
        actor,
        community,
        kind="meetup",
        title="Stand-up",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        time_zone="Europe/Rome",
        capacity=5,
        rrule=rrule,
        exdates=exdates,
    )


def _days(series_id, **filters):
    rows = Event.objects.filter(series_id=series_id, **filters).order_by("starts_at")
    return [timezone.localtime(e.starts_at, ROME).strftime("%m-%d %H:%M") for e in rows]


def test_a_longer_rule_adds_meetings_at_the_same_local_time(community, moderator, mentor):
    first = _series(moderator, community)
    actions.do_update_event(moderator, first, scope="series", title="Stand-up", hosts=[mentor])
    result = actions.do_update_series_rule(moderator, first, rrule="FREQ=WEEKLY;COUNT=6")
    assert (result["added"], result["removed"], result["cancelled"]) == (2, 0, 0)
    assert _days(first.series_id) == [
        "03-16 18:00",
        "03-23 18:00",
        "03-30 18:00",
        "04-06 18:00",
        "04-13 18:00",
        "04-20 18:00",
    ]
    last = Event.objects.filter(series_id=first.series_id).order_by("starts_at").last()
    assert last.recurrence_id == last.starts_at
    assert list(last.hosts.all()) == [mentor]
    assert last.capacity == 5
    assert Series.objects.get().rrule == "FREQ=WEEKLY;COUNT=6"


def test_a_shorter_rule_and_an_exception_drop_or_cancel_coming_meetings(
    community, moderator, member, django_capture_on_commit_callbacks, mailoutbox
):
    first = _series(moderator, community, rrule="FREQ=WEEKLY;COUNT=6")
    rows = list(Event.objects.order_by("starts_at"))
    actions.do_register(member, rows[4])  # 13 April: somebody registered
    with django_capture_on_commit_callbacks(execute=True):
        result = actions.do_update_series_rule(
            moderator, first, rrule="FREQ=WEEKLY;COUNT=5", exdates=["2027-03-30", "2027-04-13"]
        )
    assert (result["added"], result["removed"], result["cancelled"]) == (0, 2, 1)
    # 30 March and 20 April are gone; 13 April is cancelled and its registrant told.
    assert _days(first.series_id) == ["03-16 18:00", "03-23 18:00", "04-06 18:00", "04-13 18:00"]
    assert _days(first.series_id, cancelled_at__isnull=False) == ["04-13 18:00"]
    assert Registration.objects.get().status == "confirmed"
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert Series.objects.get().exdates == ["2027-03-30", "2027-04-13"]


def test_an_exception_can_be_lifted(community, moderator):
    first = _series(moderator, community, exdates=["2027-03-23"])
    assert len(_days(first.series_id)) == 3
    result = actions.do_update_series_rule(moderator, first, rrule="FREQ=WEEKLY;COUNT=4")
    assert result["added"] == 1
    assert "03-23 18:00" in _days(first.series_id)


def test_past_meetings_are_never_touched(community, moderator):
    first = _series(moderator, community)
    later = START + timedelta(days=10)  # after the first two meetings
    with mock.patch("django.utils.timezone.now", return_value=later):
        result = actions.do_update_series_rule(
            moderator, first, rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4"
        )
    # The two Tuesdays held stay; the coming Tuesdays give way to the coming Thursdays
    # (18 and 25 March were before the change: not created).
    assert result["removed"] == 2
    assert _days(first.series_id) == ["03-16 18:00", "03-23 18:00", "04-01 18:00", "04-08 18:00"]


@pytest.mark.parametrize(
    "rrule, exdates",
    [
        ("FREQ=WEEKLY", []),  # never ends
        ("nonsense", []),
        ("FREQ=WEEKLY;COUNT=300", []),
        ("FREQ=WEEKLY;UNTIL=20260101", []),  # leaves no coming meeting
        ("FREQ=WEEKLY;COUNT=2", ["2027-03-16", "2027-03-23"]),
    ],
)
def test_bad_rules_change_nothing(community, moderator, rrule, exdates):
    first = _series(moderator, community)
    before = _days(first.series_id)
    with pytest.raises(ActionError) as err:
        actions.do_update_series_rule(moderator, first, rrule=rrule, exdates=exdates)
    assert err.value.field == "rrule"
    assert _days(first.series_id) == before
    assert Series.objects.get().rrule == "FREQ=WEEKLY;COUNT=4"


def test_only_hosts_and_moderators_change_the_rule(community, moderator, member):
    first = _series(moderator, community)
    with pytest.raises(ActionError) as err:
        actions.do_update_series_rule(member, first, rrule="FREQ=WEEKLY;COUNT=6")
    assert err.value.status == 403


def test_the_series_ics_keeps_meetings_the_new_rule_no_longer_gives(client, community, moderator):
    first = _series(moderator, community)
    with mock.patch("django.utils.timezone.now", return_value=START + timedelta(days=10)):
        actions.do_update_series_rule(moderator, first, rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4")
    response = client.get(f"/c/pm/events/{first.pk}/series.ics")
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    vevents = list(cal.walk("VEVENT"))
    master = [v for v in vevents if "RRULE" in v]
    assert len(master) == 1 and master[0]["RRULE"]["BYDAY"] == ["TH"]
    alone = sorted(v.decoded("DTSTART").strftime("%m-%d") for v in vevents if "RRULE" not in v)
    # 23 March (held on a Tuesday) is written as an event of its own.
    assert "03-23" in alone


def test_the_page_changes_the_rule(client, community, moderator):
    first = _series(moderator, community)
    client.login(email=moderator.email, password=PASSWORD)
    page = client.get(f"/c/pm/events/{first.pk}/")
    assert f"/c/pm/events/{first.pk}/series/" in page.text
    form = client.get(f"/c/pm/events/{first.pk}/series/")
    assert form.status_code == 200 and "FREQ=WEEKLY;COUNT=4" in form.text
    bad = client.post(f"/c/pm/events/{first.pk}/series/", {"rrule": "FREQ=WEEKLY"})
    assert bad.status_code == 400 and "never ends" in bad.text
    bad = client.post(
        f"/c/pm/events/{first.pk}/series/", {"rrule": "FREQ=WEEKLY;COUNT=4", "exdates": "soon"}
    )
    assert bad.status_code == 400 and "is not a date" in bad.text
    response = client.post(
        f"/c/pm/events/{first.pk}/series/",
        {"rrule": "FREQ=WEEKLY;INTERVAL=2;COUNT=3", "exdates": ""},
    )
    assert response.status_code == 302
    assert _days(first.series_id) == ["03-16 18:00", "03-30 18:00", "04-13 18:00"]


def test_the_page_is_for_hosts_and_series_only(client, community, moderator, member):
    first = _series(moderator, community)
    single = actions.do_create_event(
        moderator, community, title="One", starts_at=START, ends_at=START + timedelta(hours=1)
    )
    client.login(email=moderator.email, password=PASSWORD)
    assert client.get(f"/c/pm/events/{single.pk}/series/").status_code == 404
    client.login(email=member.email, password=PASSWORD)
    assert client.get(f"/c/pm/events/{first.pk}/series/").status_code == 403


def test_the_api_changes_the_rule(community, moderator, member):
    first = _series(moderator, community)
    response = Api(moderator)(
        "put", f"/events/{first.pk}/series", {"rrule": "FREQ=WEEKLY;COUNT=5", "exdates": []}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["rrule"], body["added"], body["removed"]) == ("FREQ=WEEKLY;COUNT=5", 1, 0)
    bad = Api(moderator)("put", f"/events/{first.pk}/series", {"rrule": "FREQ=HOURLY;COUNT=3"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_rrule"
    bad = Api(moderator)(
        "put", f"/events/{first.pk}/series", {"rrule": "FREQ=WEEKLY;COUNT=3", "exdates": ["x"]}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_exdate"
    forbidden = Api(member)("put", f"/events/{first.pk}/series", {"rrule": "FREQ=WEEKLY;COUNT=3"})
    assert forbidden.status_code == 403


def test_the_api_edits_one_occurrence_or_the_whole_series(community, moderator):
    first = _series(moderator, community)
    second = Event.objects.filter(series_id=first.series_id).order_by("starts_at")[1]
    api = Api(moderator)
    one = api("patch", f"/events/{second.pk}?scope=this", {"title": "Retrospective"})
    assert one.status_code == 200 and one.json()["title"] == "Retrospective"
    every = api("patch", f"/events/{first.pk}?scope=series", {"title": "Daily", "venue": "Room A"})
    assert every.status_code == 200
    titles = list(
        Event.objects.filter(series_id=first.series_id)
        .order_by("starts_at")
        .values_list("title", "venue")
    )
    assert titles == [
        ("Daily", "Room A"),
        ("Retrospective", ""),  # edited on its own: left alone
        ("Daily", "Room A"),
        ("Daily", "Room A"),
    ]
    assert api("patch", f"/events/{first.pk}?scope=all", {"title": "x"}).status_code == 400
