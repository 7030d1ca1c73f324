"""`/api/v1/people/{id}/reputation` and `/api/v1/communities/{slug}/reputation`."""

import pytest

from koinon.accounts.models import ProfileVisibility
from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def earned(community, member, mentor):
    reply = make_reply(mentor, make_topic(member, community, tags="scrum, agile"))
    actions.do_add_reaction(member, reply, "helpful")
    return reply


def test_a_persons_reputation(client, earned, member, mentor):
    client.force_login(member)
    body = client.get(f"/api/v1/people/{mentor.pk}/reputation").json()
    assert body["total"] == 5 and body["trust_level"]["level"] == 0
    assert body["communities"] == [{"slug": "pm", "name": "Project Managers", "points": 5}]
    assert {t["name"] for t in body["tags"]} == {"scrum", "agile"}


def test_a_hidden_profile_is_404(client, earned, mentor, outsider):
    mentor.profile.visibility = ProfileVisibility.ME
    mentor.profile.save()
    client.force_login(outsider)
    response = client.get(f"/api/v1/people/{mentor.pk}/reputation")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/v1/people/999999/reputation").status_code == 404


def test_private_community_points_do_not_reach_outsiders(client, member, mentor):
    inner = CommunityFactory(slug="inner", name="Inner", visibility=Visibility.PRIVATE)
    MembershipFactory(community=inner, user=member)
    MembershipFactory(community=inner, user=mentor)
    actions.do_add_reaction(
        member, make_reply(mentor, make_topic(member, inner, tags="x")), "helpful"
    )
    mentor.profile.visibility = ProfileVisibility.EVERYONE
    mentor.profile.save()
    body = client.get(f"/api/v1/people/{mentor.pk}/reputation").json()  # anonymous visitor
    assert body["total"] == 0 and body["communities"] == [] and body["tags"] == []
    client.force_login(member)
    assert client.get(f"/api/v1/people/{mentor.pk}/reputation").json()["total"] == 5


def test_the_community_leaderboard(client, earned, member, mentor):
    client.force_login(member)
    body = client.get("/api/v1/communities/pm/reputation").json()
    assert body["count"] == 1 and body["tag"] is None
    assert body["items"][0]["person"]["id"] == mentor.pk and body["items"][0]["rank"] == 1
    assert body["items"][0]["points"] == 5
    assert client.get("/api/v1/communities/pm/reputation?tag=agile").json()["count"] == 1
    assert client.get("/api/v1/communities/pm/reputation?tag=other").json()["count"] == 0


def test_leaderboard_bad_input_is_400(client, earned, member):
    client.force_login(member)
    assert client.get("/api/v1/communities/pm/reputation?page=x").status_code == 400
    response = client.get("/api/v1/communities/pm/reputation?tag=" + "x" * 100)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "tag"


def test_a_private_leaderboard_is_for_members(client, member, outsider):
    CommunityFactory(slug="inner", visibility=Visibility.PRIVATE)
    CommunityFactory(slug="hidden", visibility=Visibility.SECRET)
    client.force_login(outsider)
    assert client.get("/api/v1/communities/inner/reputation").status_code == 403
    assert client.get("/api/v1/communities/hidden/reputation").status_code == 404
    assert client.get("/api/v1/communities/nope/reputation").status_code == 404


def test_the_leaderboard_lists_only_visible_profiles(client, earned, mentor):
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get("/api/v1/communities/pm/reputation").json()["count"] == 0
