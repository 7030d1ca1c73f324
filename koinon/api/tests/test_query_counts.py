"""List endpoints run a bounded number of queries, whatever the data size."""

import pytest

from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory, UserFactory
from koinon.communities.models import GroupMembership, Invitation, JoinRequest, Membership
from koinon.communities.tests.factories import CommunityFactory, GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_community(community, owner):
    skills = [SkillFactory(name=f"Skill {n}") for n in range(3)]
    people = [UserFactory() for _ in range(199)]
    Membership.objects.bulk_create(Membership(community=community, user=p) for p in people)
    for person in people[:60]:
        for skill in skills:
            ProfileSkillFactory(user=person, skill=skill)
    for person in people[:60]:
        person.profile.visibility = "everyone"
        person.profile.sector = "Health"
        person.profile.save()
    return community


def test_communities_list_with_50_communities(owner, as_user, django_assert_max_num_queries):
    for n in range(50):
        c = CommunityFactory(visibility=("public", "private", "secret")[n % 3])
        Membership.objects.create(community=c, user=owner, role="owner")
    api = as_user(owner)
    with django_assert_max_num_queries(6, info="token, count, page of communities"):
        body = api.get("/communities?page_size=100").json()
    assert body["count"] == 51  # and the cast's "pm"


def test_anonymous_communities_list(db, anon, django_assert_max_num_queries):
    for _ in range(50):
        CommunityFactory()
    with django_assert_max_num_queries(2):
        assert anon.get("/communities?page_size=100").json()["count"] == 50


@pytest.mark.parametrize("query", ["", "&sector=Health", "&skill=skill 1"])
def test_members_list_with_200_members(
    big_community, owner, as_user, query, django_assert_max_num_queries
):
    api = as_user(owner)
    with django_assert_max_num_queries(10, info="token, access, count, page, skills"):
        body = api.get(f"/communities/pm/members?page_size=100{query}").json()
    assert body["count"] == (200 if not query else 60)
    assert len(body["items"]) == min(body["count"], 100)


def test_groups_invitations_and_requests_lists(
    big_community, owner, as_user, django_assert_max_num_queries
):
    people = list(big_community.memberships.values_list("user_id", flat=True))
    for n in range(20):
        group = GroupFactory(community=big_community)
        GroupMembership.objects.bulk_create(
            GroupMembership(group=group, user_id=uid) for uid in people[n : n + 30]
        )
        Invitation.objects.create(
            community=big_community, email=f"i{n}@example.org", invited_by=owner
        )
        JoinRequest.objects.create(community=big_community, user=UserFactory())
    api = as_user(owner)
    for path in ("groups", "invitations", "join-requests", "groups/" + group.slug):
        with django_assert_max_num_queries(8, info=path):
            assert api.get(f"/communities/pm/{path}").status_code == 200
