import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.communities.models import Visibility
from koinon.events import actions
from koinon.events.models import Event, Registration
from koinon.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


class Api:
    def __init__(self, user=None):
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user, name="tests", scope=TokenScope.WRITE)
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def __call__(self, method, path, data=None):
        kwargs = {}
        if method != "get":
            kwargs = {
                "data": json.dumps(data) if data is not None else "",
                "content_type": "application/json",
            }
        return getattr(self.client, method)("/api/v1" + path, **kwargs, **self.headers)


@pytest.fixture
def event(community, moderator):
    event = EventFactory(community=community, capacity=1, online_url="https://meet.example.org/r")
    event.hosts.add(moderator)
    return event


def _new(**overrides):
    data = {
        "kind": "workshop",
        "title": "Estimating",
        "starts_at": "2027-03-23T18:00:00",
        "ends_at": "2027-03-23T20:00:00",
        "time_zone": "Europe/Rome",
        "capacity": 10,
    }
    data.update(overrides)
    return data


def test_anyone_lists_the_events_of_a_public_community(event):
    response = Api()("get", "/communities/pm/events")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == event.title
    assert item["time_zone"] == "Europe/Rome"
    assert item["online"] is True
    assert "online_url" not in item


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_non_members_get_the_not_found_shape(event, outsider, visibility):
    event.community.visibility = visibility
    event.community.save()
    api = Api(outsider)
    for method, path in [
        ("get", "/communities/pm/events"),
        ("get", f"/events/{event.pk}"),
        ("post", f"/events/{event.pk}/registrations"),
    ]:
        response = api(method, path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}


def test_moderator_creates_a_weekly_series(community, moderator):
    data = _new(rrule="FREQ=WEEKLY;COUNT=3", exdates=["2027-03-30"])
    response = Api(moderator)("post", "/communities/pm/events", data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["local_start"] == "2027-03-23T18:00:00+01:00"
    assert body["hosts"] == [{"id": moderator.pk, "display_name": "Marco"}]
    local = [e.starts_at.astimezone(ROME).isoformat() for e in Event.objects.order_by("starts_at")]
    assert local == ["2027-03-23T18:00:00+01:00", "2027-04-06T18:00:00+02:00"]


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"ends_at": "2027-03-23T17:00:00"}, "ends_at", "end_before_start"),
        ({"capacity": 0}, "capacity", "invalid_capacity"),
        ({"rrule": "FREQ=WEEKLY"}, "rrule", "invalid_rrule"),
        ({"rrule": "nonsense"}, "rrule", "invalid_rrule"),
        ({"exdates": ["soon"]}, "exdates", "invalid_exdate"),
        ({"time_zone": "Nowhere/Land"}, "time_zone", "invalid_time_zone"),
        ({"colour": "red"}, "colour", "unknown_fields"),
        ({"starts_at": "tomorrow"}, "starts_at", "invalid"),
    ],
)
def test_bad_input_is_a_400_on_its_field(community, moderator, overrides, field, code):
    response = Api(moderator)("post", "/communities/pm/events", _new(**overrides))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert [e["field"] for e in body["errors"]] == [field]
    assert not Event.objects.exists()


def test_member_may_not_create(community, member):
    response = Api(member)("post", "/communities/pm/events", _new())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_register_wait_and_promotion(
    event, member, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    assert Api(member)("post", f"/events/{event.pk}/registrations").json()["status"] == "confirmed"
    waiting = Api(mentor)("post", f"/events/{event.pk}/registrations")
    assert waiting.status_code == 201
    assert waiting.json() | {"created_at": None} == {
        "event_id": event.pk,
        "status": "waitlisted",
        "position": 2,
        "created_at": None,
        "attended_at": None,
    }
    again = Api(mentor)("post", f"/events/{event.pk}/registrations")
    assert again.status_code == 409
    assert again.json()["code"] == "already_registered"
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = Api(member)("delete", f"/events/{event.pk}/registrations")
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(user=mentor).status == "confirmed"
    assert [m.to for m in mailoutbox] == [[mentor.email]]


def test_online_link_only_for_confirmed_people(event, member, mentor):
    actions.do_register(member, event)
    actions.do_register(mentor, event)
    assert Api(member)("get", f"/events/{event.pk}").json()["online_url"] == event.online_url
    waiting = Api(mentor)("get", f"/events/{event.pk}").json()
    assert waiting["online_url"] is None
    assert waiting["my_registration"] == "waitlisted"
    assert Api()("get", f"/events/{event.pk}").json()["online_url"] is None


def test_host_lists_registrations_and_member_may_not(event, member, moderator):
    actions.do_register(member, event)
    rows = Api(moderator)("get", f"/events/{event.pk}/registrations").json()["items"]
    assert rows[0]["person"]["id"] == member.pk
    assert Api(member)("get", f"/events/{event.pk}/registrations").status_code == 403


def test_past_event_refuses_registration(community, member):
    start = datetime(2020, 1, 1, 18, tzinfo=ROME)
    past = EventFactory(community=community, starts_at=start, ends_at=start + timedelta(hours=1))
    response = Api(member)("post", f"/events/{past.pk}/registrations")
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_patch_and_cancel(event, moderator):
    api = Api(moderator)
    response = api("patch", f"/events/{event.pk}", {"title": "New title", "capacity": None})
    assert response.status_code == 200
    assert response.json()["capacity"] is None
    assert api("patch", f"/events/{event.pk}", {"title": None}).status_code == 400
    assert api("post", f"/events/{event.pk}/cancel", {"scope": "series"}).status_code == 400
    assert api("post", f"/events/{event.pk}/cancel", {}).json() == {"cancelled": 1}
    assert api("post", f"/events/{event.pk}/cancel", {}).status_code == 409


def test_event_list_is_bounded(community, django_assert_max_num_queries):
    for _ in range(30):
        EventFactory(community=community)
    with django_assert_max_num_queries(6):
        response = Api()("get", "/communities/pm/events?page_size=30")
    assert len(response.json()["items"]) == 30


def _running(community, moderator):
    from django.utils import timezone

    start = timezone.now() - timedelta(minutes=5)
    event = EventFactory(community=community, starts_at=start, ends_at=start + timedelta(hours=1))
    event.hosts.add(moderator)
    return event


def test_check_in_with_code_and_by_host(community, moderator, member, mentor):
    event = _running(community, moderator)
    for position, person in enumerate((member, mentor), start=1):
        Registration.objects.create(event=event, user=person, status="confirmed", position=position)
    wrong = Api(member)("post", f"/events/{event.pk}/attendance", {"code": "XXXXXX"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == [
        {"field": "code", "message": "This code is not right: check the one shown at the event."}
    ]
    right = Api(member)("post", f"/events/{event.pk}/attendance", {"code": event.check_in_code})
    assert right.status_code == 200
    assert right.json()["attended_at"] is not None
    by_member = Api(member)("post", f"/events/{event.pk}/attendance", {"user_id": mentor.pk})
    assert by_member.status_code == 403
    by_host = Api(moderator)("post", f"/events/{event.pk}/attendance", {"user_id": mentor.pk})
    assert by_host.status_code == 200
    both = Api(moderator)("post", f"/events/{event.pk}/attendance", {})
    assert both.status_code == 400


def test_feedback_from_attendees_and_the_host_summary(community, moderator, member, outsider):
    from django.utils import timezone

    event = _running(community, moderator)
    Registration.objects.create(
        event=event, user=member, status="confirmed", position=1, attended_at=timezone.now()
    )
    bad = Api(member)("put", f"/events/{event.pk}/feedback", {"rating": 7})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "rating"
    ok = Api(member)("put", f"/events/{event.pk}/feedback", {"rating": 4, "comment": "Good"})
    assert ok.status_code == 200
    assert Api(moderator)("get", f"/events/{event.pk}/feedback").json()["average"] == 4.0
    assert Api(member)("get", f"/events/{event.pk}/feedback").status_code == 403
    not_there = Api(outsider)("put", f"/events/{event.pk}/feedback", {"rating": 5})
    assert not_there.status_code == 403
