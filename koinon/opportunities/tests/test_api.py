from datetime import timedelta

import pytest
from django.utils import timezone

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, GroupFactory, MembershipFactory
from koinon.messaging.actions import do_block_person
from koinon.messaging.models import Conversation
from koinon.opportunities.models import Interest, Opportunity
from koinon.opportunities.tests.factories import OpportunityFactory
from koinon.projects.models import ProjectMember, ProjectRole
from koinon.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _new(**overrides):
    data = {
        "kind": "resource_offer",
        "title": "Spare meeting room on Fridays",
        "description": "Ten seats, a projector.",
        "location": "Turin",
        "remote": False,
        "expires_on": (timezone.localdate() + timedelta(days=15)).isoformat(),
    }
    data.update(overrides)
    return data


def test_publish_read_edit_close(api, community, member, mentor):
    a = api(member)
    response = a("post", "/communities/pm/opportunities", _new())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "resource_offer" and body["status"] == "open"
    assert body["can"] == {"edit": True, "close": True, "express_interest": False}
    oid = body["id"]
    assert api()("get", f"/opportunities/{oid}").json()["title"] == "Spare meeting room on Fridays"
    response = a("patch", f"/opportunities/{oid}", {"title": "Spare room"})
    assert response.status_code == 200 and response.json()["title"] == "Spare room"
    assert api(mentor)("patch", f"/opportunities/{oid}", {"title": "x"}).status_code == 403
    assert api(mentor)("post", f"/opportunities/{oid}/close").status_code == 403
    response = a("post", f"/opportunities/{oid}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert a("post", f"/opportunities/{oid}/close").status_code == 409
    assert api(mentor)("get", f"/opportunities/{oid}").status_code == 404
    assert [o["id"] for o in a("get", "/opportunities/mine").json()["items"]] == [oid]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_on": "tomorrow"}, "expires_on"),
        ({"kind": "lottery"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_400(api, community, member, overrides, field):
    response = api(member)("post", "/communities/pm/opportunities", _new(**overrides))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] and body["detail"]
    fields = {e["field"] for e in body["errors"]} | {body.get("field")}
    assert field in fields or body["code"] in ("expiry_in_past", "required")
    assert not Opportunity.objects.exists()


def test_a_past_expiry_is_named(api, community, member):
    response = api(member)("post", "/communities/pm/opportunities", _new(expires_on="2001-01-01"))
    assert response.json()["code"] == "expiry_in_past"


def test_patch_refuses_null_and_the_past(api, community, member):
    o = OpportunityFactory(community=community, author=member)
    a = api(member)
    assert a("patch", f"/opportunities/{o.pk}", {"title": None}).status_code == 400
    response = a("patch", f"/opportunities/{o.pk}", {"expires_on": "2001-01-01"})
    assert response.status_code == 400 and response.json()["code"] == "expiry_in_past"


def test_lists_filter_and_leave_out_closed_and_expired(api, community, member):
    OpportunityFactory(community=community, author=member, kind="job", title="Job", remote=True)
    OpportunityFactory(community=community, author=member, kind="collaboration", title="Collab")
    OpportunityFactory(community=community, author=member, status="closed", title="Closed")
    OpportunityFactory(
        community=community,
        author=member,
        title="Expired",
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    anonymous = api()
    titles = {o["title"] for o in anonymous("get", "/opportunities").json()["items"]}
    assert titles == {"Job", "Collab"}
    items = anonymous("get", "/communities/pm/opportunities?kind=job").json()["items"]
    titles = {o["title"] for o in items}
    assert titles == {"Job"}
    titles = {o["title"] for o in anonymous("get", "/opportunities?remote=true").json()["items"]}
    assert titles == {"Job"}
    assert anonymous("get", "/opportunities?kind=lottery").status_code == 400
    assert anonymous("get", "/opportunities?page_size=1000").status_code == 400


def test_private_communities_are_404_for_outsiders(api, member, outsider):
    private = CommunityFactory(slug="inner", visibility=Visibility.PRIVATE)
    MembershipFactory(community=private, user=member)
    o = OpportunityFactory(community=private, author=member)
    for client in (api(), api(outsider)):
        assert client("get", f"/opportunities/{o.pk}").status_code == 404
        assert client("get", "/communities/inner/opportunities").status_code == 404
        assert o.pk not in [x["id"] for x in client("get", "/opportunities").json()["items"]]
    assert api(outsider)("post", f"/opportunities/{o.pk}/interest", {}).status_code == 404
    response = api(outsider)("post", "/communities/inner/opportunities", _new())
    assert response.status_code == 404
    assert o.pk in [x["id"] for x in api(member)("get", "/opportunities").json()["items"]]


def test_outsiders_of_a_public_community_cannot_publish(api, community, outsider):
    response = api(outsider)("post", "/communities/pm/opportunities", _new())
    assert response.status_code == 403


def test_interest_opens_a_conversation(api, community, member, mentor, outsider):
    o = OpportunityFactory(community=community, author=member)
    response = api(mentor)("post", f"/opportunities/{o.pk}/interest", {"note": "Me!"})
    assert response.status_code == 201, response.content
    body = response.json()
    conversation = Conversation.objects.get(pk=body["conversation_id"])
    assert body["conversation_url"] == conversation.get_absolute_url()
    again = api(mentor)("post", f"/opportunities/{o.pk}/interest", {})
    assert again.status_code == 409 and again.json()["code"] == "already_interested"
    own = api(member)("post", f"/opportunities/{o.pk}/interest", {})
    assert own.status_code == 400 and own.json()["code"] == "own_opportunity"
    assert api()("post", f"/opportunities/{o.pk}/interest", {}).status_code == 401
    too_long = api(outsider)("post", f"/opportunities/{o.pk}/interest", {"note": "x" * 5000})
    assert too_long.status_code == 400
    people = api(member)("get", f"/opportunities/{o.pk}/interests").json()
    assert [p["person"]["id"] for p in people] == [mentor.pk]
    assert api(mentor)("get", f"/opportunities/{o.pk}/interests").status_code == 403
    detail = api(mentor)("get", f"/opportunities/{o.pk}").json()
    assert detail["interested"] is True and detail["can"]["express_interest"] is False


def test_interest_refused_when_closed_expired_or_blocked(api, community, member, mentor):
    closed = OpportunityFactory(community=community, author=member, status="closed")
    expired = OpportunityFactory(
        community=community, author=member, expires_on=timezone.localdate() - timedelta(days=2)
    )
    live = OpportunityFactory(community=community, author=member)
    a = api(mentor)
    assert a("post", f"/opportunities/{closed.pk}/interest", {}).json()["code"] == "closed"
    assert a("post", f"/opportunities/{expired.pk}/interest", {}).json()["code"] == "expired"
    do_block_person(member, mentor)
    response = a("post", f"/opportunities/{live.pk}/interest", {})
    assert response.status_code == 403 and response.json()["code"] == "blocked"
    assert not Interest.objects.exists()


def test_groups_and_projects(api, community, member, moderator):
    group = GroupFactory(community=community, slug="leads")
    response = api(member)("post", "/communities/pm/opportunities", _new(group="leads"))
    assert response.status_code == 403
    response = api(moderator)("post", "/communities/pm/opportunities", _new(group="leads"))
    assert response.status_code == 201 and response.json()["group"] == "leads"
    assert (
        api(moderator)("post", "/communities/pm/opportunities", _new(group="nope")).status_code
        == 404
    )
    project = ProjectFactory(community=community)
    ProjectMember.objects.create(project=project, user=member, role=ProjectRole.LEAD)
    response = api(member)("post", "/communities/pm/opportunities", _new(project_id=project.pk))
    assert response.status_code == 201
    assert response.json()["kind"] == "call_for_partners"
    assert response.json()["project_id"] == project.pk
    assert group.pk


def test_list_queries_are_bounded(api, community, member, django_assert_max_num_queries):
    for _ in range(25):
        OpportunityFactory(community=community, author=member)
    with django_assert_max_num_queries(8):
        response = api()("get", "/opportunities?page_size=100")
    assert response.json()["count"] == 25
