"""List pages run a bounded number of SQL queries, whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory, UserFactory
from koinon.communities.models import Community, Membership
from koinon.communities.tests.factories import CommunityFactory, GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Session, user and user-session bookkeeping take about 8 of these.
MAX_LIST_QUERIES = 14
MAX_DIRECTORY_QUERIES = 16


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_communities(n, member):
    for community in CommunityFactory.create_batch(n):
        MembershipFactory(community=community, user=member)
    CommunityFactory.create_batch(n // 5, visibility="private")
    CommunityFactory.create_batch(n // 5, visibility="secret")


@pytest.mark.parametrize("url", ["/", "/communities/", "/communities/?q=community&kind=practice"])
def test_the_community_list_is_bounded(as_user, member, url, django_assert_max_num_queries):
    client = as_user(member)
    add_communities(5, member)
    small = count_queries(client, url)
    add_communities(45, member)
    assert Community.objects.count() >= 50
    with django_assert_max_num_queries(
        max(small, 1), info=f"{url} grew with the number of communities: add select/prefetch"
    ):
        client.get(url)
    assert small <= MAX_LIST_QUERIES


def add_members(community, n, skills):
    for user in UserFactory.create_batch(n):
        user.profile.visibility = "everyone"
        user.profile.headline = "Consultant"
        user.profile.save()
        MembershipFactory(community=community, user=user)
        for skill in skills:
            ProfileSkillFactory(user=user, skill=skill)


@pytest.mark.parametrize(
    "query", ["", "?skill=Scrum", "?sector=x&language=it&open_to=mentoring&role=member"]
)
def test_the_member_directory_is_bounded(
    as_user, community, moderator, query, django_assert_max_num_queries
):
    skills = [SkillFactory(name="Scrum"), SkillFactory(name="Kanban")]
    GroupFactory(community=community)
    client = as_user(moderator)
    url = f"/c/pm/members/{query}"
    add_members(community, 5, skills)
    small = count_queries(client, url)
    add_members(community, 195, skills)
    assert Membership.objects.filter(community=community).count() > 200
    with django_assert_max_num_queries(
        small, info="The member directory grew with the number of members: prefetch skills"
    ):
        client.get(url)
    assert small <= MAX_DIRECTORY_QUERIES


def test_the_community_page_is_bounded(
    as_user, community, moderator, django_assert_max_num_queries
):
    client = as_user(moderator)
    add_members(community, 5, [])
    GroupFactory.create_batch(2, community=community)
    small = count_queries(client, "/c/pm/")
    add_members(community, 50, [])
    GroupFactory.create_batch(20, community=community)
    with django_assert_max_num_queries(small, info="The community page grew with its size"):
        client.get("/c/pm/")
