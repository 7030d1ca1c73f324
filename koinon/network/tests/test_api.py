"""/api/v1/people and /api/v1/connections: the same rules as the pages."""

import pytest

from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory
from koinon.api.tests.conftest import api_for
from koinon.communities.tests.factories import MembershipFactory
from koinon.network.models import Connection, Endorsement, Follow

pytestmark = pytest.mark.django_db


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_people_lists_and_filters(member, mentor, moderator, outsider):
    ProfileSkillFactory(user=mentor, skill=SkillFactory(name="Python"), level=5)
    api = api_for(member)
    everyone = api.get("/people").json()
    assert {p["display_name"] for p in everyone["items"]} == {"Martina", "Marco"}
    only = api.get("/people?skill=Python&min_level=5").json()["items"]
    assert [p["display_name"] for p in only] == ["Martina"]
    assert only[0]["skills"] == [{"name": "Python", "level": 5}]
    assert only[0]["shared_communities"] == ["pm"]


def test_bad_filters_are_400(member):
    response = api_for(member).get("/people?min_level=9")
    assert (
        response.status_code == 400 and error_shape(response)["errors"][0]["field"] == "min_level"
    )


def test_people_queries_are_bounded(community, member, django_assert_max_num_queries):
    for _ in range(60):
        ProfileSkillFactory(user=MembershipFactory(community=community).user, level=3)
    api = api_for(member)
    with django_assert_max_num_queries(10):
        assert api.get("/people?page_size=100").json()["count"] == 60


def test_connection_lifecycle(member, mentor):
    created = api_for(member).post("/connections", {"user_id": mentor.pk, "message": "Hi"})
    assert created.status_code == 201
    cid = created.json()["id"]
    assert created.json()["person"]["id"] == mentor.pk and created.json()["requested_by_me"]
    again = api_for(member).post("/connections", {"user_id": mentor.pk})
    assert again.status_code == 409 and error_shape(again)["code"] == "already_requested"
    own = api_for(member).post(f"/connections/{cid}/accept")
    assert own.status_code == 403
    mentor_api = api_for(mentor)
    assert mentor_api.get("/connections?status=pending").json()["count"] == 1
    accepted = mentor_api.post(f"/connections/{cid}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert mentor_api.post(f"/connections/{cid}/accept").status_code == 409
    assert mentor_api.delete(f"/connections/{cid}").status_code == 204
    assert not Connection.objects.exists()


def test_hidden_people_and_others_connections_are_404(member, mentor, outsider):
    assert api_for(member).post("/connections", {"user_id": outsider.pk}).status_code == 404
    cid = api_for(member).post("/connections", {"user_id": mentor.pk}).json()["id"]
    response = api_for(outsider).post(f"/connections/{cid}/accept")
    assert response.status_code == 404 and error_shape(response)["code"] == "not_found"


def test_follow_and_endorse(member, mentor):
    ProfileSkillFactory(user=mentor, skill=SkillFactory(name="Python"), level=5)
    api = api_for(member)
    assert api.post(f"/people/{mentor.pk}/follow").status_code == 204
    assert Follow.objects.filter(follower=member, followed=mentor).exists()
    response = api.post(f"/people/{mentor.pk}/endorsements", {"skill": "python"})
    assert response.status_code == 201 and response.json() == {"skill": "Python", "count": 1}
    assert api.post(f"/people/{mentor.pk}/endorsements", {"skill": "Python"}).status_code == 409
    mine = api.post(f"/people/{member.pk}/endorsements", {"skill": "Python"})
    assert mine.status_code == 400 and error_shape(mine)["code"] == "self_endorsement"
    assert api.delete(f"/people/{mentor.pk}/endorsements/Python").status_code == 204
    assert not Endorsement.objects.exists()


def test_suggestions_have_reasons(member, mentor):
    items = api_for(member).get("/people/suggestions").json()
    assert items[0]["reasons"] == ["Also in Project Managers"]
