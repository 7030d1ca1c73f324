import csv
import io
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koinon.accounts.tests.factories import PASSWORD, UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.events import actions
from koinon.events.models import Event, Registration
from koinon.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def event(community, moderator):
    event = EventFactory(
        community=community,
        capacity=1,
        online_url="https://meet.example.org/secret-room",
        venue="Sala Verdi",
    )
    event.hosts.add(moderator)
    return event


def test_anyone_sees_a_public_community_event(client, event):
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert event.title in response.text
    assert "Europe/Rome" in response.text
    assert "secret-room" not in response.text
    assert "Log in to register" in response.text


def test_the_page_is_in_the_reader_language(client, event):
    response = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it")
    assert "Accedi per iscriverti" in response.text


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_outsider_gets_404_for_private_and_secret_events(client, event, outsider, visibility):
    event.community.visibility = visibility
    event.community.save()
    _login(client, outsider)
    for url in (
        event.get_absolute_url(),
        f"/c/pm/events/{event.pk}/event.ics",
        "/c/pm/events/feed.ics",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/c/pm/events/{event.pk}/register/").status_code == 404


def test_event_under_another_community_address_is_404(client, event):
    from koinon.communities.tests.factories import CommunityFactory

    other = CommunityFactory(slug="other")
    assert client.get(f"/c/{other.slug}/events/{event.pk}/").status_code == 404


def test_member_registers_by_htmx_and_sees_the_link(client, event, member):
    _login(client, member)
    response = client.post(f"/c/pm/events/{event.pk}/register/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "You are registered." in response.text
    assert "secret-room" in response.text
    assert 'aria-live="polite"' in response.text
    assert Registration.objects.get(user=member).status == "confirmed"


def test_full_event_puts_the_next_person_on_the_wait_list(client, event, member, mentor):
    actions.do_register(member, event)
    _login(client, mentor)
    page = client.get(event.get_absolute_url())
    assert "Join the wait list" in page.text
    response = client.post(f"/c/pm/events/{event.pk}/register/", HTTP_HX_REQUEST="true")
    assert "You are on the wait list." in response.text
    assert "secret-room" not in response.text


def test_registering_twice_answers_409_with_the_reason(client, event, member):
    _login(client, member)
    client.post(f"/c/pm/events/{event.pk}/register/", HTTP_HX_REQUEST="true")
    response = client.post(f"/c/pm/events/{event.pk}/register/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "already registered" in response.text


def test_past_event_offers_no_registration(client, community, member):
    past = EventFactory(
        community=community,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    _login(client, member)
    page = client.get(past.get_absolute_url())
    assert "already started or is over" in page.text
    response = client.post(f"/c/pm/events/{past.pk}/register/")
    assert response.status_code == 302
    assert not Registration.objects.exists()


def test_cancel_registration_without_htmx_redirects(client, event, member):
    actions.do_register(member, event)
    _login(client, member)
    response = client.post(f"/c/pm/events/{event.pk}/unregister/")
    assert response.status_code == 302
    assert Registration.objects.get(user=member).status == "cancelled"


def test_host_sees_and_exports_the_list(client, event, member, mentor, moderator):
    member.profile.display_name = "=HYPERLINK(evil)"
    member.profile.save()
    actions.do_register(member, event)
    actions.do_register(mentor, event)
    _login(client, moderator)
    page = client.get(f"/c/pm/events/{event.pk}/registrations/")
    assert page.status_code == 200
    assert "Martina" in page.text
    response = client.get(f"/c/pm/events/{event.pk}/registrations.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Position", "Name", "E-mail", "Status", "Registered"]
    assert rows[1][:4] == ["1", "'=HYPERLINK(evil)", member.email, "Confirmed"]
    assert rows[2][:4] == ["2", "Martina", mentor.email, "On the wait list"]


def test_member_may_not_see_the_list(client, event, member):
    _login(client, member)
    assert client.get(f"/c/pm/events/{event.pk}/registrations/").status_code == 403
    assert client.get(f"/c/pm/events/{event.pk}/registrations.csv").status_code == 403


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_of_coming_events_is_bounded(client, community, member, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            actions.do_register(member, EventFactory(community=community, capacity=5))

    add(3)
    EventFactory(
        community=community,
        title="Old one",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-1),
    )
    _login(client, member)
    client.get("/c/pm/events/")  # the first request creates the session record
    few = _count_queries(client, "/c/pm/events/")
    add(22)
    # The same queries for 3 events as for a full page of 20 (session, header, community,
    # membership, count, page, the reader's registrations): never one per event.
    with django_assert_max_num_queries(few):
        response = client.get("/c/pm/events/")
    assert few <= 20
    assert response.text.count("Registered</span>") == 20
    assert "Old one" not in response.text
    past = client.get("/c/pm/events/?when=past")
    assert "Old one" in past.text


def test_month_calendar_shows_the_event_on_its_local_day(client, community):
    EventFactory(
        community=community,
        title="Late call",
        starts_at=timezone.datetime(2027, 3, 10, 22, 30, tzinfo=UTC),
        ends_at=timezone.datetime(2027, 3, 10, 23, 30, tzinfo=UTC),
    )
    response = client.get("/c/pm/events/calendar/2027/3/")
    assert response.status_code == 200
    assert "11:30 p.m. Late call" in response.text  # 22:30 UTC is 23:30 in Rome
    italian = client.get("/c/pm/events/calendar/2027/3/", HTTP_ACCEPT_LANGUAGE="it")
    assert "23:30 Late call" in italian.text
    assert "Marzo 2027" in italian.text
    assert client.get("/c/pm/events/calendar/2027/13/").status_code == 404


def test_month_calendar_is_bounded(client, community, django_assert_max_num_queries):
    for day in range(1, 28):
        start = timezone.datetime(2027, 5, day, 16, tzinfo=UTC)
        EventFactory(community=community, starts_at=start, ends_at=start + timedelta(hours=1))
    with django_assert_max_num_queries(8):
        response = client.get("/c/pm/events/calendar/2027/5/")
    assert response.text.count("event-chip") == 27


def test_moderator_creates_a_weekly_meeting_in_the_form(client, community, moderator):
    _login(client, moderator)
    assert client.get("/c/pm/events/new/").status_code == 200
    response = client.post(
        "/c/pm/events/new/",
        {
            "kind": "meetup",
            "title": "Weekly stand-up",
            "time_zone": "Europe/Rome",
            "starts_at": "2027-03-16T18:00",
            "ends_at": "2027-03-16T19:00",
            "capacity": "1",
            "rrule": "FREQ=WEEKLY;COUNT=4",
            "exdates": "2027-03-30",
        },
    )
    assert response.status_code == 302
    starts = [
        timezone.localtime(e.starts_at, e.tz).strftime("%m-%d %H:%M")
        for e in Event.objects.order_by("starts_at")
    ]
    assert starts == ["03-16 18:00", "03-23 18:00", "04-06 18:00"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"ends_at": "2027-03-16T17:00"}, "The end must come after the start."),
        ({"capacity": "0"}, "at least 1"),
        ({"rrule": "FREQ=WEEKLY"}, "never ends"),
        ({"rrule": "EVERY TUESDAY"}, "cannot be read"),
        ({"exdates": "tomorrow"}, "is not a date"),
    ],
)
def test_bad_form_input_gets_a_400_with_the_reason(
    client, community, moderator, overrides, message
):
    _login(client, moderator)
    data = {
        "kind": "meetup",
        "title": "Weekly stand-up",
        "time_zone": "Europe/Rome",
        "starts_at": "2027-03-16T18:00",
        "ends_at": "2027-03-16T19:00",
    }
    data.update(overrides)
    response = client.post("/c/pm/events/new/", data)
    assert response.status_code == 400
    assert message in response.text
    assert not Event.objects.exists()


def test_member_may_not_create(client, community, member):
    _login(client, member)
    assert client.get("/c/pm/events/new/").status_code == 403


def test_host_edits_and_cancels(client, event, moderator, member, mailoutbox):
    actions.do_register(member, event)
    _login(client, moderator)
    page = client.get(f"/c/pm/events/{event.pk}/edit/")
    assert page.status_code == 200
    local = timezone.localtime(event.starts_at, event.tz).strftime("%Y-%m-%dT%H:%M")
    assert local in page.text
    response = client.post(f"/c/pm/events/{event.pk}/cancel/")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled


def test_community_page_links_to_events(client, community, event):
    response = client.get(community.get_absolute_url())
    assert "/c/pm/events/" in response.text
    assert event.title in response.text


def test_personal_calendar_page_regenerates_the_address(client, member):
    _login(client, member)
    page = client.get("/events/calendar/")
    token = member.calendar_token.token
    assert f"http://testserver/events/calendar/{token}.ics" in page.text
    client.post("/events/calendar/")
    member.calendar_token.refresh_from_db()
    assert member.calendar_token.token != token
    assert client.get(f"/events/calendar/{token}.ics").status_code == 404


def test_anonymous_visitor_of_a_private_community_is_asked_to_log_in(client, community):
    community.visibility = Visibility.PRIVATE
    community.save()
    response = client.get("/c/pm/events/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    other = UserFactory()
    MembershipFactory(community=community, user=other)
    _login(client, other)
    assert client.get("/c/pm/events/").status_code == 200


def test_host_edits_the_whole_series_in_the_form(client, community, moderator):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    start = datetime(2027, 3, 16, 18, 0, tzinfo=rome)
    first = actions.do_create_event(
        moderator,
        community,
        title="Stand-up",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    _login(client, moderator)
    page = client.get(f"/c/pm/events/{first.pk}/edit/")
    assert "Every coming meeting" in page.text
    data = {
        "scope": "series",
        "kind": "meetup",
        "title": "Daily stand-up",
        "time_zone": "Europe/Rome",
        "starts_at": "2027-03-16T18:30",
        "ends_at": "2027-03-16T19:30",
    }
    assert client.post(f"/c/pm/events/{first.pk}/edit/", data).status_code == 302
    rows = Event.objects.order_by("starts_at")
    assert [(e.title, e.local_start.strftime("%d %H:%M")) for e in rows] == [
        ("Daily stand-up", "16 18:30"),
        ("Daily stand-up", "23 18:30"),
        ("Daily stand-up", "30 18:30"),
    ]


def test_editing_one_occurrence_in_the_form(client, community, moderator):
    start = timezone.now() + timedelta(days=2)
    first = actions.do_create_event(
        moderator,
        community,
        title="Stand-up",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY;COUNT=2",
    )
    _login(client, moderator)
    local = timezone.localtime(first.starts_at, first.tz).strftime("%Y-%m-%dT%H:%M")
    local_end = timezone.localtime(first.ends_at, first.tz).strftime("%Y-%m-%dT%H:%M")
    data = {
        "scope": "this",
        "kind": "meetup",
        "title": "Special",
        "time_zone": "Europe/Rome",
        "starts_at": local,
        "ends_at": local_end,
        "materials": "[slides](https://example.org/s.pdf)",
    }
    assert client.post(f"/c/pm/events/{first.pk}/edit/", data).status_code == 302
    assert sorted(Event.objects.values_list("title", flat=True)) == ["Special", "Stand-up"]
    page = client.get(first.get_absolute_url())
    assert 'href="https://example.org/s.pdf"' in page.text


def test_registration_list_is_bounded(client, community, moderator, django_assert_max_num_queries):
    from koinon.events.models import Feedback

    event = EventFactory(community=community, capacity=3)
    event.hosts.add(moderator)

    def add(n):
        for _ in range(n):
            person = UserFactory()
            MembershipFactory(community=community, user=person)
            actions.do_register(person, event)
            Feedback.objects.create(event=event, user=person, rating=4)

    add(2)
    _login(client, moderator)
    url = f"/c/pm/events/{event.pk}/registrations/"
    client.get(url)
    few = _count_queries(client, url)
    add(20)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.text.count("<tr id=") == 22


def test_event_text_is_escaped_and_markdown_sanitised(client, community, moderator):
    start = timezone.now() + timedelta(days=1)
    event = actions.do_create_event(
        moderator,
        community,
        title="<script>alert(1)</script>",
        description="<img src=x onerror=alert(1)> [x](javascript:alert(1))",
        venue='"><b>bold</b>',
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    for url in (event.get_absolute_url(), "/c/pm/events/", "/c/pm/events/calendar/"):
        text = client.get(url).text
        assert "<script>alert(1)</script>" not in text, url
        assert "<img src=x" not in text, url  # shown as text, never as markup
        assert 'href="javascript' not in text, url
        assert "<b>bold</b>" not in text, url


def test_reader_in_another_zone_also_sees_their_own_time(client, community, member):
    start = timezone.datetime(2027, 3, 16, 17, 0, tzinfo=UTC)  # 18:00 in Rome
    event = EventFactory(community=community, starts_at=start, ends_at=start + timedelta(hours=1))
    member.profile.time_zone = "America/New_York"
    member.profile.save()
    _login(client, member)
    text = client.get(event.get_absolute_url()).text
    assert "6 p.m." in text and "(Europe/Rome)" in text
    assert "Your time:" in text and "1 p.m." in text and "(America/New_York)" in text
    member.profile.time_zone = "Europe/Rome"
    member.profile.save()
    assert "Your time:" not in client.get(event.get_absolute_url()).text
