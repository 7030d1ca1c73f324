"""The one policy, proved over every persona × visibility × join policy × action.

`expected()` states the rules in plain terms; each case checks `policy.can` and,
where the action has a page or a control, what the page answers.
"""

import itertools

import pytest
from django.urls import reverse

from koinon.communities import policy
from koinon.communities.models import Community
from koinon.communities.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "requester", "member", "mentor", "moderator", "owner"]
VISIBILITIES = ["public", "private", "secret"]
JOIN_POLICIES = ["open", "request", "invitation"]
ACTIONS = [
    "view",
    "view_content",
    "view_members",
    "join",
    "request_join",
    "edit",
    "invite",
    "manage_requests",
    "change_role",
    "leave",
    "transfer",
    "create_group",
]
RANK = {"member": 1, "mentor": 2, "moderator": 3, "owner": 4}


def expected(persona: str, visibility: str, join_policy: str, action: str) -> bool:
    rank = RANK.get(persona, 0)
    is_member = rank > 0
    signed_in = persona != "anonymous"
    sees = visibility != "secret" or is_member
    may_join = signed_in and not is_member and sees
    return {
        "view": sees,
        "view_content": visibility == "public" or is_member,
        "view_members": visibility == "public" or is_member,
        "join": may_join and join_policy == "open",
        # A pending request is enough: asking twice is refused.
        "request_join": may_join and join_policy == "request" and persona != "requester",
        "edit": rank >= RANK["moderator"],
        "invite": rank >= RANK["moderator"],
        "manage_requests": rank >= RANK["moderator"],
        "change_role": rank >= RANK["moderator"],
        "leave": is_member,
        "transfer": rank == RANK["owner"],
        "create_group": rank >= RANK["mentor"],
    }[action]


# The page each action opens (GET); its status follows from the policy.
PAGES = {
    "view": "community-detail",
    "view_members": "community-members",
    "edit": "community-edit",
    "invite": "community-invitations",
    "manage_requests": "community-requests",
    "transfer": "community-transfer",
    "create_group": "group-create",
    "leave": "community-leave",
}
# Controls that appear on the community page only when the action is allowed.
DETAIL_MARKERS = {
    "view_content": 'id="groups"',
    "join": 'id="join-form"',
    "request_join": 'id="request-form"',
    "leave": 'id="leave-link"',
}


def expected_status(persona, visibility, join_policy, action) -> int:
    if not expected(persona, visibility, join_policy, "view"):
        return 404
    if expected(persona, visibility, join_policy, action):
        return 200
    return 302 if persona == "anonymous" else 403


@pytest.mark.parametrize(
    ("persona", "visibility", "join_policy", "action"),
    list(itertools.product(PERSONAS, VISIBILITIES, JOIN_POLICIES, ACTIONS)),
)
def test_policy_matrix(request, community, as_user, persona, visibility, join_policy, action):
    Community.objects.filter(pk=community.pk).update(visibility=visibility, join_policy=join_policy)
    community.refresh_from_db()
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    want = expected(persona, visibility, join_policy, action)

    assert policy.can(user or _anonymous(), action, community) is want

    client = as_user(user)
    if action in PAGES:
        response = client.get(reverse(PAGES[action], args=[community.slug]))
        assert response.status_code == expected_status(persona, visibility, join_policy, action)
    if action in DETAIL_MARKERS and expected(persona, visibility, join_policy, "view"):
        body = client.get(community.get_absolute_url()).content.decode()
        assert (DETAIL_MARKERS[action] in body) is want
    if action == "view_content":
        group = GroupFactory(community=community)
        status = client.get(group.get_absolute_url()).status_code
        assert status == (200 if want else 404)
    if action == "change_role" and expected(persona, visibility, join_policy, "view_members"):
        request.getfixturevalue("member")  # someone whose role could be changed
    if action == "change_role" and expected(persona, visibility, join_policy, "view_members"):
        body = client.get(reverse("community-members", args=[community.slug])).content.decode()
        assert ("/role/" in body) is want


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# --- Secret communities are invisible to non-members everywhere -------------------

SECRET_NAME = "Quiet Circle"


@pytest.fixture
def secret(db, owner):
    from koinon.communities.tests.factories import CommunityFactory, MembershipFactory

    circle = CommunityFactory(
        name=SECRET_NAME, slug="quiet", visibility="secret", join_policy="invitation"
    )
    MembershipFactory(community=circle, user=owner, role="owner")
    GroupFactory(community=circle, slug="inner")
    return circle


def _pages(circle):
    urls = [reverse(name, args=[circle.slug]) for name in PAGES.values()]
    return [*urls, reverse("group-detail", args=[circle.slug, "inner"])]


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "requester", "member"])
def test_secret_community_is_absent_for_non_members(request, secret, as_user, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = as_user(user)
    for url in [
        "/",
        "/communities/",
        "/?q=Quiet",
        "/communities/?q=Quiet",
        "/communities/?q=quiet",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET_NAME not in response.content.decode(), url
    for url in _pages(secret):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_NAME not in response.content.decode(), url
    assert not policy.visible_communities_for(user or _anonymous()).filter(pk=secret.pk).exists()


def test_secret_community_is_listed_for_its_members(secret, owner, as_user):
    client = as_user(owner)
    assert SECRET_NAME in client.get("/").content.decode()
    assert SECRET_NAME in client.get("/communities/?q=Quiet").content.decode()
    assert client.get(secret.get_absolute_url()).status_code == 200


def test_a_removed_member_loses_access_to_a_secret_community(secret, owner, outsider, as_user):
    from koinon.communities import actions
    from koinon.communities.models import Membership

    membership = Membership.objects.create(community=secret, user=outsider)
    client = as_user(outsider)
    assert client.get(secret.get_absolute_url()).status_code == 200

    actions.do_remove_member(owner, membership)

    assert client.get(secret.get_absolute_url()).status_code == 404
    assert SECRET_NAME not in client.get("/communities/").content.decode()
    assert SECRET_NAME not in client.get("/").content.decode()
    assert not policy.can(outsider, "view", secret)
