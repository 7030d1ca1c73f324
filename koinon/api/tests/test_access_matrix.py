"""Secret and private communities through every endpoint, for everyone who is not a member.

Secret communities are 404 everywhere and their names never appear in any answer;
private ones show their public fields and nothing else.
"""

import pytest

from koinon.accounts.models import ProfileVisibility
from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import GroupMembership
from koinon.communities.tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Hidden Circle", "hidden-circle", "Hidden Group", "hidden-group", "Secret plans")
PRIVATE_CONTENT = ("Private values.", "Quiet Group", "quiet-group")


@pytest.fixture
def world(secret_community, private_community, community, owner, as_user):
    """A secret and a private community, each with a group, and three kinds of non-member."""
    secret_community.values = "Secret plans"
    secret_community.save()
    for c, name in ((secret_community, "Hidden Group"), (private_community, "Quiet Group")):
        group = GroupFactory(community=c, name=name, slug=name.lower().replace(" ", "-"))
        GroupMembership.objects.create(group=group, user=owner, role="leader")
    former = UserFactory(email="former@example.org", display_name="Fred")
    for c in (secret_community, private_community):
        MembershipFactory(community=c, user=former)
    api = as_user(owner)
    for slug in ("hidden-circle", "quiet-guild"):
        assert api.delete(f"/communities/{slug}/members/{former.pk}").status_code == 204
    outsider = UserFactory(email="olga@example.org", display_name="Olga")
    owner.profile.visibility = ProfileVisibility.EVERYONE
    owner.profile.save()
    return {"anonymous": None, "outsider": outsider, "former member": former}


VIEWERS = ["anonymous", "outsider", "former member"]

# (path, status for the secret community, status for the private community)
SLUG_GETS = [
    ("/communities/{slug}", 404, 200),
    ("/communities/{slug}/members", 404, 403),
    ("/communities/{slug}/groups", 404, 403),
    ("/communities/{slug}/groups/{group}", 404, 404),
    ("/communities/{slug}/invitations", 404, 403),
    ("/communities/{slug}/join-requests", 404, 403),
]


def _api(world, viewer, as_user):
    user = world[viewer]
    return as_user(user)


def _assert_no_secret(response):
    body = response.content.decode()
    for word in SECRET_WORDS:
        assert word not in body, f"{word!r} leaked in {response.request['PATH_INFO']}"


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("path,secret_status,private_status", SLUG_GETS)
def test_community_gets_for_non_members(
    world, as_user, viewer, path, secret_status, private_status
):
    api = _api(world, viewer, as_user)
    needs_login = viewer == "anonymous" and path.endswith(("invitations", "join-requests"))
    secret = api.get(path.format(slug="hidden-circle", group="hidden-group"))
    assert secret.status_code == (401 if needs_login else secret_status)
    _assert_no_secret(secret)
    private = api.get(path.format(slug="quiet-guild", group="quiet-group"))
    assert private.status_code == (401 if needs_login else private_status)
    _assert_no_secret(private)
    for word in PRIVATE_CONTENT:
        assert word not in private.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_secret_community_is_not_listed_but_private_is(world, as_user, viewer):
    api = _api(world, viewer, as_user)
    response = api.get("/communities?page_size=100")
    _assert_no_secret(response)
    assert "Quiet Guild" in response.content.decode()
    assert "Hidden" not in api.get("/communities?q=hidden").content.decode()


@pytest.mark.parametrize("viewer", ["outsider", "former member"])
@pytest.mark.parametrize("path", ["/me", "/me/profile", "/me/skills"])
def test_my_own_answers_name_no_secret_community(world, as_user, viewer, path):
    response = _api(world, viewer, as_user).get(path)
    assert response.status_code == 200
    _assert_no_secret(response)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_people_answers_name_no_secret_community(world, owner, as_user, viewer):
    response = _api(world, viewer, as_user).get(f"/people/{owner.pk}")
    assert response.status_code == 200
    _assert_no_secret(response)


@pytest.mark.parametrize("viewer", ["outsider", "former member"])
@pytest.mark.parametrize(
    "method,path,data",
    [
        ("post", "/communities/hidden-circle/join", None),
        ("post", "/communities/hidden-circle/join-requests", None),
        ("post", "/communities/hidden-circle/leave", None),
        ("patch", "/communities/hidden-circle", {"name": "Mine"}),
        ("post", "/communities/hidden-circle/invitations", {"email": "a@example.org"}),
        ("post", "/communities/hidden-circle/transfer", {"new_owner": 1}),
        ("post", "/communities/hidden-circle/groups", {"name": "G", "slug": "g", "kind": "study"}),
        ("post", "/communities/hidden-circle/groups/hidden-group/join", None),
        ("post", "/communities/hidden-circle/groups/hidden-group/leave", None),
        ("post", "/communities/quiet-guild/groups/quiet-group/join", None),
    ],
)
def test_writes_on_hidden_things_get_404(world, as_user, viewer, method, path, data):
    response = _api(world, viewer, as_user).call(method, path, data)
    assert response.status_code == 404
    _assert_no_secret(response)


@pytest.mark.parametrize("viewer", ["outsider", "former member"])
def test_decisions_on_hidden_join_requests_get_404(world, secret_community, as_user, viewer):
    from koinon.communities.models import Invitation, JoinRequest

    applicant = UserFactory()
    join_request = JoinRequest.objects.create(community=secret_community, user=applicant)
    invitation = Invitation.objects.create(community=secret_community, email="x@example.org")
    api = _api(world, viewer, as_user)
    for response in (
        api.post(f"/join-requests/{join_request.pk}/approve"),
        api.post(f"/join-requests/{join_request.pk}/decline"),
        api.delete(f"/invitations/{invitation.pk}"),
    ):
        assert response.status_code == 404
        _assert_no_secret(response)


def test_members_see_the_secret_community(world, secret_community, owner, as_user):
    api = as_user(owner)
    assert "Hidden Circle" in api.get("/communities").content.decode()
    assert api.get("/communities/hidden-circle").json()["values"] == "Secret plans"
    assert api.get("/communities/hidden-circle/groups/hidden-group").status_code == 200
