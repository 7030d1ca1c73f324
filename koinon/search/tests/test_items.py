"""Every kind of content in the one search, kept in step by its app's actions."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koinon.accounts.models import ApiToken, TokenScope
from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.events import actions as events
from koinon.library import actions as library
from koinon.library.tests.factories import make_lesson, make_practice, revise
from koinon.projects import actions as projects
from koinon.search import index, items
from koinon.search.models import Document
from koinon.search.query import search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def api():
    def for_user(user=None):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user, name="tests", scope=TokenScope.READ)
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return lambda method, path: getattr(client, method)("/api/v1" + path, **headers)

    return for_user


def kinds_found(user, words, filters=None):
    return sorted(r.content_kind for r in search(user, words, filters).items)


def _event(actor, community, **extra):
    start = timezone.now() + timedelta(days=3)
    fields = {
        "kind": "workshop",
        "title": "Risk workshop",
        "description": "**Hands on** risk registers",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "time_zone": "Europe/Rome",
    }
    fields.update(extra)
    return events.do_create_event(actor, community, **fields)


def _experiment(actor, community, title="Timeboxed stand-ups"):
    return projects.do_create_experiment(
        actor,
        community,
        title=title,
        hypothesis="Shorter stand-ups keep attention.",
        tried="A fifteen-minute timer.",
        measure="Minutes per stand-up.",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 2, 1),
    )


def _idea(actor, community, title="Mentoring circles"):
    return projects.do_propose_idea(
        actor,
        community,
        title=title,
        problem="Juniors feel alone.",
        proposal="Monthly circles.",
        benefit="Faster growth.",
    )


def test_practices_are_indexed_and_follow_their_versions(community, member, outsider):
    practice = make_practice(member, community, title="Premortem workshop")
    (result,) = search(outsider, "premortem").items
    assert result.content_kind == "practices" and result.kind == "Practice"
    assert result.url == practice.get_absolute_url()
    assert result.author_name == member.display_name
    revise(member, practice, title="Pre-mortem session", body="Imagine the project failed.")
    assert search(outsider, "premortem").total == 0
    assert search(outsider, "imagine").total == 1
    library.do_restore_version(member, practice, 1)
    assert search(outsider, "premortem").total == 1
    assert Document.objects.filter(kind="library.practice").count() == 1


def test_lessons_are_indexed_and_anonymous_ones_name_nobody(community, member):
    community.allow_anonymous = True
    community.save()
    make_lesson(member, community, title="Vendor escrow", is_anonymous=True)
    (result,) = search(member, "escrow").items
    assert result.content_kind == "lessons" and result.author_name == ""
    assert search(member, "escrow", {"author": member.pk}).total == 0
    assert Document.objects.get(kind="library.lesson").author_id is None
    lesson = make_lesson(member, community, title="Offshore handover")
    library.do_edit_lesson(
        member,
        lesson,
        title="Nearshore handover",
        context=lesson.context,
        tried=lesson.tried,
        outcome=lesson.outcome,
        learned=lesson.learned,
    )
    assert search(member, "offshore").total == 0 and search(member, "nearshore").total == 1


def test_resources_are_indexed_and_edited(community, member, outsider):
    resource = library.do_add_resource(
        member,
        community,
        kind="publication",
        title="Earned value management",
        authors="Rossi, Maria",
        description="A primer.",
    )
    assert kinds_found(outsider, "earned value") == ["resources"]
    assert kinds_found(outsider, "rossi") == ["resources"]
    library.do_edit_resource(
        member, resource, kind="publication", title="Critical chain", authors="Rossi, Maria"
    )
    assert search(outsider, "earned").total == 0 and search(outsider, "critical").total == 1


def test_ideas_experiments_and_projects(community, member, moderator, outsider):
    idea = _idea(member, community)
    _experiment(member, community, title="Mentoring timer")
    projects.do_create_project(member, community, title="Mentoring handbook", purpose="Write it.")
    projects.do_create_project(
        member, community, title="Mentoring payroll", purpose="Secret.", visibility="members"
    )
    assert kinds_found(outsider, "mentoring") == ["experiments", "ideas", "projects"]
    assert search(member, "payroll").total == 0, "members-only projects are not indexed"
    assert kinds_found(member, "mentoring", {"kind": "ideas"}) == ["ideas"]
    projects.do_change_idea_status(moderator, idea, "declined", "Not now.")
    assert Document.objects.filter(kind="projects.idea").count() == 1


def test_experiment_closed_is_reindexed_and_its_lesson_found(community, member):
    experiment = _experiment(member, community)
    projects.do_close_experiment(
        member, experiment, outcome="worked", learned="Attention held with a visible timer."
    )
    assert kinds_found(member, "visible timer") == ["experiments", "lessons"]


def test_events_upcoming_and_past_and_cancelled(community, moderator, outsider):
    event = _event(moderator, community)
    past_start = timezone.now() - timedelta(days=30)
    _event(
        moderator,
        community,
        title="Risk retrospective",
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=1),
    )
    assert kinds_found(outsider, "risk") == ["events", "events"]
    (result,) = search(outsider, "workshop", {"kind": "events"}).items
    assert result.url == event.get_absolute_url()
    assert result.created_at == event.starts_at
    events.do_update_event(moderator, event, title="Risk clinic")
    assert search(outsider, "clinic").total == 1
    events.do_cancel_event(moderator, event)
    assert search(outsider, "clinic").total == 0


def test_a_series_is_one_result(community, moderator, member):
    first = _event(moderator, community, title="Weekly triage", rrule="FREQ=WEEKLY;COUNT=5")
    assert search(member, "triage").total == 1
    assert Document.objects.get(kind="events.event").object_id == first.pk
    events.do_cancel_event(moderator, first)
    doc = Document.objects.get(kind="events.event")
    assert doc.object_id != first.pk, "the next meeting stands for the series"
    events.do_cancel_event(moderator, first.__class__.objects.get(pk=doc.object_id), scope="series")
    assert search(member, "triage").total == 0


def test_deleting_a_row_unindexes_it(community, member):
    idea = _idea(member, community)
    assert search(member, "circles").total == 1
    idea.delete()
    assert search(member, "circles").total == 0
    assert not Document.objects.filter(kind="projects.idea").exists()


def test_a_private_communitys_content_never_reaches_an_outsider(client, api, member, outsider):
    private = CommunityFactory(slug="inner", visibility=Visibility.PRIVATE)
    MembershipFactory(community=private, user=member)
    moderator = UserFactory()
    MembershipFactory(community=private, user=moderator, role="moderator")
    make_practice(member, private, title="Confidential merger checklist")
    _idea(member, private, title="Confidential merger idea")
    _event(moderator, private, title="Confidential merger briefing")
    assert search(outsider, "merger").total == 0
    assert kinds_found(member, "merger") == ["events", "ideas", "practices"]
    client.force_login(outsider)
    page = client.get(reverse("search"), {"q": "merger"}).content.decode()
    assert "Confidential" not in page
    body = api(outsider)("get", "/search?q=merger").json()
    assert body["count"] == 0 and body["items"] == []
    body = api(member)("get", "/search?q=merger&kind=ideas").json()
    assert [i["content_kind"] for i in body["items"]] == ["ideas"]
    # Turning the community public lets everyone find it.
    private.visibility = Visibility.PUBLIC
    private.save()
    assert search(outsider, "merger").total == 3


def test_search_page_has_the_kind_filter_and_shows_kinds(client, community, member):
    make_practice(member, community, title="Kickoff checklist")
    page = client.get(reverse("search"), {"q": "kickoff"}).content.decode()
    assert 'value="practices"' in page and 'value="ideas"' in page
    assert (
        "Practice" in page
        and reverse("practice-detail", args=[community.slug, "kickoff-checklist"]) in page
    )
    page = client.get(reverse("search"), {"q": "kickoff", "kind": "events"}).content.decode()
    assert "Kickoff checklist" not in page
    assert client.get(reverse("search"), {"q": "x", "kind": "nonsense"}).status_code == 200


def test_api_rejects_an_unknown_kind(api, member):
    assert api(member)("get", "/search?q=x&kind=nonsense").status_code == 400


def test_rebuild_backfills_every_kind(community, member, moderator):
    make_practice(member, community, title="Backfill practice")
    _idea(member, community, title="Backfill idea")
    _event(moderator, community, title="Backfill event")
    _event(moderator, community, title="Backfill series", rrule="FREQ=WEEKLY;COUNT=3")
    Document.objects.exclude(kind="discussions.post").delete()
    assert search(member, "backfill").total == 0
    assert items.rebuild() == 4
    assert kinds_found(member, "backfill") == ["events", "events", "ideas", "practices"]
    index.rebuild()
    assert search(member, "backfill").total == 4


def test_the_command_backfills_items_only_or_everything(community, member):
    from io import StringIO

    from django.core.management import call_command

    from koinon.discussions.tests.factories import make_topic

    make_topic(member, community, title="Command topic")
    make_practice(member, community, title="Command practice")
    Document.objects.all().delete()
    out = StringIO()
    call_command("search_reindex", "--items", stdout=out)
    assert "Indexed 1 documents" in out.getvalue()
    assert kinds_found(member, "command") == ["practices"]
    call_command("search_reindex", stdout=out)
    assert kinds_found(member, "command") == ["discussions", "practices"]
