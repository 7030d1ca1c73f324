from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.messaging.models import Conversation
from koinon.opportunities import actions
from koinon.opportunities.models import Interest, Opportunity
from koinon.opportunities.tests.factories import OpportunityFactory
from koinon.projects.models import ProjectMember, ProjectRole
from koinon.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _form(**overrides):
    data = {
        "kind": "collaboration",
        "title": "Co-write a guide to retrospectives",
        "description": "Looking for *two* people.",
        "location": "",
        "expires_on": (TODAY() + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_member_publishes_from_the_page(client, community, member):
    client.force_login(member)
    url = reverse("opportunity-create", args=["pm"])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(remote="on"))
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert opportunity.remote and opportunity.author == member


@pytest.mark.parametrize(
    "overrides",
    [
        {"expires_on": "2001-01-01"},
        {"expires_on": "not a date"},
        {"kind": "lottery"},
        {"title": ""},
        {"title": "x" * 300},
        {"description": ""},
    ],
)
def test_bad_input_is_a_form_error(client, community, member, overrides):
    client.force_login(member)
    response = client.post(reverse("opportunity-create", args=["pm"]), _form(**overrides))
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not Opportunity.objects.exists()


def test_a_past_expiry_says_why(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("opportunity-create", args=["pm"]), _form(expires_on="2001-01-01")
    )
    assert "The expiry date is in the past" in response.content.decode()


def test_outsiders_cannot_open_the_form(client, community, outsider):
    client.force_login(outsider)
    assert client.get(reverse("opportunity-create", args=["pm"])).status_code == 403


def test_lists_show_live_opportunities_only(client, community, member):
    OpportunityFactory(community=community, author=member, title="Live one")
    OpportunityFactory(community=community, author=member, title="Closed one", status="closed")
    OpportunityFactory(
        community=community,
        author=member,
        title="Expired one",
        expires_on=TODAY() - timedelta(days=1),
    )
    for url in (reverse("opportunity-list", args=["pm"]), reverse("opportunity-platform")):
        text = client.get(url).content.decode()
        assert "Live one" in text
        assert "Closed one" not in text and "Expired one" not in text


def test_the_author_still_reads_closed_and_expired_ones(client, community, member, mentor):
    closed = OpportunityFactory(community=community, author=member, status="closed")
    expired = OpportunityFactory(
        community=community, author=member, expires_on=TODAY() - timedelta(days=1)
    )
    client.force_login(member)
    for o in (closed, expired):
        assert client.get(o.get_absolute_url()).status_code == 200
    mine = client.get(reverse("opportunity-mine")).content.decode()
    assert closed.title in mine and expired.title in mine
    client.force_login(mentor)
    for o in (closed, expired):
        assert client.get(o.get_absolute_url()).status_code == 404


def test_filter_by_kind_and_remote(client, community, member):
    OpportunityFactory(community=community, author=member, kind="job", title="A job", remote=True)
    OpportunityFactory(community=community, author=member, kind="resource_offer", title="Books")
    url = reverse("opportunity-list", args=["pm"])
    text = client.get(url, {"kind": "job"}).content.decode()
    assert "A job" in text and "Books" not in text
    text = client.get(url, {"remote": "on"}).content.decode()
    assert "A job" in text and "Books" not in text
    text = client.get(url, {"q": "books"}).content.decode()
    assert "Books" in text and "A job" not in text
    # A kind that does not exist is ignored, not a crash.
    assert client.get(url, {"kind": "nope", "page": "x"}).status_code == 200


def test_private_communities_never_leak(client, member, outsider):
    private = CommunityFactory(slug="inner", visibility=Visibility.PRIVATE)
    MembershipFactory(community=private, user=member)
    o = OpportunityFactory(community=private, author=member, title="Secret plan")
    client.force_login(outsider)
    assert "Secret plan" not in client.get(reverse("opportunity-platform")).content.decode()
    assert client.get(o.get_absolute_url()).status_code == 404
    assert client.get(reverse("opportunity-list", args=["inner"])).status_code == 404
    response = client.post(reverse("opportunity-interest", args=["inner", o.pk]))
    assert response.status_code == 404
    client.logout()
    assert "Secret plan" not in client.get(reverse("opportunity-platform")).content.decode()
    # Members see it, in their community's list and across the platform.
    client.force_login(member)
    assert "Secret plan" in client.get(reverse("opportunity-platform")).content.decode()


def test_anonymous_visitors_read_public_ones(client, community, member):
    o = OpportunityFactory(community=community, author=member)
    text = client.get(o.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert o.title in text and "Log in to say you are interested" in text


def test_interest_opens_the_conversation(client, community, member, mentor):
    o = OpportunityFactory(community=community, author=member)
    client.force_login(mentor)
    page = client.get(o.get_absolute_url()).content.decode()
    assert "I'm interested" in page
    response = client.post(
        reverse("opportunity-interest", args=["pm", o.pk]), {"note": "Count me in."}
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response.url == conversation.get_absolute_url()
    assert client.get(response.url).status_code == 200
    # Twice: a clear refusal, no second conversation.
    response = client.post(reverse("opportunity-interest", args=["pm", o.pk]))
    assert response.status_code == 409
    assert "already said you are interested" in response.content.decode()
    assert Conversation.objects.count() == 1
    # The author sees who is interested.
    client.force_login(member)
    page = client.get(o.get_absolute_url()).content.decode()
    assert "People interested" in page and "Martina" in page


def test_interest_refusals_are_clear(client, community, member, mentor):
    own = OpportunityFactory(community=community, author=member)
    closed = OpportunityFactory(community=community, author=member, status="closed")
    client.force_login(member)
    response = client.post(reverse("opportunity-interest", args=["pm", own.pk]))
    assert response.status_code == 400 and "your own opportunity" in response.content.decode()
    client.force_login(mentor)
    response = client.post(reverse("opportunity-interest", args=["pm", closed.pk]))
    assert response.status_code == 409 and "closed" in response.content.decode()
    response = client.post(
        reverse("opportunity-interest", args=["pm", own.pk]), {"note": "x" * 3000}
    )
    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()
    assert not Interest.objects.exists()
    assert client.get(reverse("opportunity-interest", args=["pm", own.pk])).status_code == 405


def test_edit_and_close(client, community, member, mentor):
    o = OpportunityFactory(community=community, author=member)
    client.force_login(mentor)
    assert client.get(reverse("opportunity-edit", args=["pm", o.pk])).status_code == 403
    assert client.post(reverse("opportunity-close", args=["pm", o.pk])).status_code == 403
    client.force_login(member)
    url = reverse("opportunity-edit", args=["pm", o.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(title="A better title"))
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.title == "A better title"
    assert client.post(reverse("opportunity-close", args=["pm", o.pk])).status_code == 302
    o.refresh_from_db()
    assert o.is_closed
    assert client.post(reverse("opportunity-close", args=["pm", o.pk])).status_code == 409
    assert client.get(url).status_code == 409


def test_project_leads_publish_a_call_shown_on_the_project(client, community, member, mentor):
    project = ProjectFactory(community=community, title="Open handbook")
    ProjectMember.objects.create(project=project, user=member, role=ProjectRole.LEAD)
    ProjectMember.objects.create(project=project, user=mentor, role=ProjectRole.CONTRIBUTOR)
    call_url = reverse("project-call-for-partners", args=["pm", project.pk])
    client.force_login(mentor)
    assert client.get(call_url).status_code == 403
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Publish a call for partners" not in page
    client.force_login(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Publish a call for partners" in page
    form = client.get(call_url).content.decode()
    assert "Partners wanted: Open handbook" in form
    response = client.post(call_url, _form(kind="call_for_partners", title="Partners wanted"))
    call = Opportunity.objects.get()
    assert response.status_code == 302
    assert call.kind == "call_for_partners" and call.project == project
    page = client.get(project.get_absolute_url()).content.decode()
    assert call.get_absolute_url() in page
    detail = client.get(call.get_absolute_url()).content.decode()
    assert project.get_absolute_url() in detail
    actions.do_close_opportunity(member, call)
    assert call.get_absolute_url() not in client.get(project.get_absolute_url()).content.decode()


def test_the_header_links_the_opportunities(client, member):
    client.force_login(member)
    page = client.get(reverse("opportunity-mine")).content.decode()
    assert reverse("opportunity-platform") in page


def test_italian_pages(client, community, member):
    OpportunityFactory(community=community, author=member, kind="job")
    text = client.get(reverse("opportunity-platform"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Opportunità" in text and "Lavoro" in text


# --- Bounded queries ---------------------------------------------------------------------


def queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("name", ["opportunity-list", "opportunity-platform", "opportunity-mine"])
def test_list_queries_do_not_grow(client, community, member, mentor, name):
    url = reverse(name, args=["pm"] if name == "opportunity-list" else [])
    OpportunityFactory(community=community, author=member)
    client.force_login(member)
    client.get(url)
    few = queries_for(client, url)
    for n in range(15):
        o = OpportunityFactory(community=community, author=member if n % 2 else mentor)
        Interest.objects.create(opportunity=o, user=mentor if n % 2 else member)
    many = queries_for(client, url)
    assert many == few, f"{name}: one query per opportunity?"


def test_detail_queries_do_not_grow_with_interests(client, community, member):
    from koinon.accounts.tests.factories import UserFactory

    o = OpportunityFactory(community=community, author=member)
    client.force_login(member)
    url = o.get_absolute_url()
    client.get(url)
    Interest.objects.create(opportunity=o, user=UserFactory())
    few = queries_for(client, url)
    for _ in range(10):
        Interest.objects.create(opportunity=o, user=UserFactory())
    assert queries_for(client, url) == few
