"""The profile section, the badge next to post authors, and the top contributors page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koinon.accounts.models import ProfileVisibility
from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_question, make_reply, make_topic
from koinon.reputation import trust

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def article(html, post):
    match = re.search(rf'<article id="post-{post.pk}".*?</article>', html, re.S)
    return match.group(0)


def set_visibility(user, visibility):
    user.profile.visibility = visibility
    user.profile.save()


@pytest.fixture
def earned(community, member, mentor):
    """Martina earned 5 points in "pm" with the tag "scrum"."""
    reply = make_reply(mentor, make_topic(member, community, tags="scrum"))
    actions.do_add_reaction(member, reply, "helpful")
    return reply


def test_the_profile_shows_reputation_where_it_was_earned(client, earned, member, mentor):
    client.force_login(member)
    html = client.get(reverse("profile-detail", args=[mentor.pk])).content.decode()
    section = html[html.index('id="reputation"') :]
    assert "5 points of reputation" in section
    assert "Project Managers" in section and "scrum" in section
    assert reverse("reputation-leaderboard", args=["pm"]) in section


def test_the_profile_hides_what_was_earned_in_a_private_community(client, member, mentor):
    secret = CommunityFactory(slug="inner", name="Inner Circle", visibility=Visibility.PRIVATE)
    MembershipFactory(community=secret, user=member)
    MembershipFactory(community=secret, user=mentor)
    reply = make_reply(mentor, make_topic(member, secret, tags="hush"))
    actions.do_add_reaction(member, reply, "helpful")
    set_visibility(mentor, ProfileVisibility.EVERYONE)
    stranger = UserFactory()
    client.force_login(stranger)
    html = client.get(reverse("profile-detail", args=[mentor.pk])).content.decode()
    section = html[html.index('id="reputation"') :]
    assert "Inner Circle" not in section and "hush" not in section
    assert "0 points of reputation" in section
    client.force_login(member)
    html = client.get(reverse("profile-detail", args=[mentor.pk])).content.decode()
    assert "Inner Circle" in html and "hush" in html
    client.force_login(mentor)
    html = client.get(reverse("profile-detail", args=[mentor.pk])).content.decode()
    assert "Inner Circle" in html and "5 points of reputation" in html


def test_a_badge_next_to_named_authors_only(client, community, member, mentor, owner):
    community.allow_anonymous = True
    community.save()
    topic = make_question(owner, community)
    named = make_reply(mentor, topic, body="Named answer")
    actions.do_add_reaction(member, named, "helpful")
    trust.refresh([mentor.pk])
    hidden = make_reply(mentor, topic, body="Anonymous answer", is_anonymous=True)
    client.force_login(member)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "reputation-badge" in article(html, named)
    assert "5 points" in article(html, named) and "New" in article(html, named)
    assert "reputation-badge" not in article(html, hidden)
    assert "Martina" not in article(html, hidden)


def test_the_topic_page_loads_badges_once_for_the_whole_page(client, community, member):
    topic = make_topic(member, community)
    client.force_login(member)
    url = topic.get_absolute_url() + "?page=1"
    client.get(url)

    def reply_by_a_new_person(n):
        person = UserFactory()
        MembershipFactory(community=community, user=person)
        post = make_reply(person, topic, body=f"reply {n}")
        actions.do_add_reaction(member, post, "helpful")
        trust.refresh([person.pk])

    reply_by_a_new_person(0)
    few = queries_for(client, url)
    for n in range(1, 12):
        reply_by_a_new_person(n)
    many = queries_for(client, url)
    assert client.get(url).content.decode().count("reputation-badge") >= 12
    assert many == few, "topic page: badge queries per post?"


def test_the_leaderboard_ranks_people_and_filters_by_tag(client, community, member, mentor, owner):
    scrum = make_topic(member, community, tags="scrum")
    kanban = make_topic(member, community, tags="kanban")
    for post in (make_reply(mentor, scrum), make_reply(mentor, scrum, body="again")):
        actions.do_add_reaction(member, post, "helpful")
    actions.do_add_reaction(member, make_reply(owner, kanban), "helpful")
    actions.do_add_reaction(mentor, make_reply(owner, kanban, body="more"), "helpful")
    actions.do_add_reaction(member, make_reply(owner, kanban, body="most"), "helpful")
    client.force_login(member)
    url = reverse("reputation-leaderboard", args=["pm"])
    html = client.get(url).content.decode()
    assert html.index("Olivia") < html.index("Martina")
    html = client.get(url + "?tag=scrum").content.decode()
    assert "Martina" in html and "Olivia" not in html
    response = client.get(url + "?tag=nonexistent")
    assert response.status_code == 200 and "There is no tag" in response.content.decode()
    assert client.get(url + "?page=oops").status_code == 200


def test_the_leaderboard_respects_profile_visibility(client, earned, mentor):
    set_visibility(mentor, ProfileVisibility.ME)
    stranger = UserFactory()
    client.force_login(stranger)
    html = client.get(reverse("reputation-leaderboard", args=["pm"])).content.decode()
    assert "Martina" not in html
    client.logout()
    set_visibility(mentor, ProfileVisibility.EVERYONE)
    html = client.get(reverse("reputation-leaderboard", args=["pm"])).content.decode()
    assert "Martina" in html


def test_a_private_communitys_leaderboard_is_for_members(client, member, mentor, outsider):
    inner = CommunityFactory(slug="inner", name="Inner", visibility=Visibility.PRIVATE)
    MembershipFactory(community=inner, user=member)
    url = reverse("reputation-leaderboard", args=["inner"])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    secret = CommunityFactory(slug="hidden", visibility=Visibility.SECRET)
    client.force_login(outsider)
    assert client.get(reverse("reputation-leaderboard", args=[secret.slug])).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_leaderboard_queries_do_not_grow_with_people(client, community, member):
    topic = make_topic(member, community, tags="scrum")
    url = reverse("reputation-leaderboard", args=["pm"])
    client.force_login(member)

    def earn():
        person = UserFactory()
        MembershipFactory(community=community, user=person)
        set_visibility(person, ProfileVisibility.EVERYONE)
        actions.do_add_reaction(member, make_reply(person, topic), "helpful")

    earn()
    client.get(url)
    few = queries_for(client, url)
    for _ in range(10):
        earn()
    assert queries_for(client, url) == few


def test_a_reaction_answer_shows_the_badge_of_that_post(client, community, member, mentor):
    reply = make_reply(mentor, make_topic(member, community))
    client.force_login(member)
    response = client.post(
        reverse("post-react", args=[reply.pk]), {"kind": "helpful"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "reputation-badge" in response.content.decode()
    assert "5 points" in response.content.decode()
