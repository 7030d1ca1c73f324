import json

import pytest
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.mentoring import actions
from koinon.mentoring.models import MentoringOffer, Mentorship
from koinon.mentoring.tests.factories import give_skills, make_offer, make_request

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user=None):
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user, name="tests", scope=TokenScope.WRITE)
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def __call__(self, method, path, data=None):
        kwargs = {}
        if method not in ("get",):
            kwargs = {
                "data": json.dumps(data) if data is not None else "",
                "content_type": "application/json",
            }
        return getattr(self.client, method)("/api/v1" + path, **kwargs, **self.headers)


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_mentor_creates_an_offer(mentor):
    give_skills(mentor, {"SQL": 5})
    response = Api(mentor)(
        "post",
        "/mentoring/offers",
        {
            "community": "pm",
            "topics": "Databases",
            "skills": ["sql"],
            "languages": ["it"],
            "capacity": 2,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["skills"] == [{"name": "SQL", "level": 5}] and body["community"] == "pm"
    assert body["mentor"] == {"id": mentor.pk, "display_name": "Martina"}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"topics": "x", "capacity": 0}, "capacity"),
        ({"topics": "x", "format": "fax"}, "format"),
        ({"topics": "x", "skills": ["Cobol"]}, "skills"),
        ({"topics": "x", "languages": ["zz"]}, "languages"),
        ({"topics": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_offers_get_400_with_the_field(mentor, payload, field):
    response = Api(mentor)("post", "/mentoring/offers", payload)
    assert response.status_code == 400
    assert field in [e["field"] for e in error_shape(response)["errors"]]


def test_offer_in_a_secret_community_you_are_not_in_is_404(mentor, owner):
    from koinon.communities.tests.factories import CommunityFactory

    CommunityFactory(slug="hidden", visibility="secret")
    response = Api(mentor)("post", "/mentoring/offers", {"community": "hidden", "topics": "x"})
    assert response.status_code == 404 and error_shape(response)["code"] == "not_found"


def test_offers_list_only_shared_ones_with_bounded_queries(
    mentor, member, outsider, community, django_assert_max_num_queries
):
    make_offer(mentor, {"SQL": 3})
    make_offer(outsider, {"SQL": 5})
    for _ in range(10):
        other = UserFactory()
        MembershipFactory(community=community, user=other)
        make_offer(other, {"SQL": 2, "Go": 1})
    api = Api(member)
    with django_assert_max_num_queries(10):
        body = api("get", "/mentoring/offers?skill=sql&page_size=50").json()
    assert body["count"] == 11
    assert outsider.pk not in [o["mentor"]["id"] for o in body["items"]]
    assert (
        Api(outsider)("get", f"/mentoring/offers/{MentoringOffer.objects.first().pk}").status_code
        == 404
    )


def test_patch_offer_by_its_mentor_only(mentor, member):
    offer = make_offer(mentor)
    assert Api(member)("patch", f"/mentoring/offers/{offer.pk}", {"capacity": 3}).status_code == 403
    response = Api(mentor)(
        "patch", f"/mentoring/offers/{offer.pk}", {"capacity": 3, "is_active": False}
    )
    assert response.status_code == 200 and response.json()["capacity"] == 3
    assert (
        Api(mentor)("patch", f"/mentoring/offers/{offer.pk}", {"capacity": None}).status_code == 400
    )


def test_request_and_its_matches_with_reasons(member, mentor):
    make_offer(mentor, {"SQL": 5}, languages=["it"])
    api = Api(member)
    response = api(
        "post",
        "/mentoring/requests",
        {"goals": "Learn SQL", "skills": [{"name": "SQL", "wish": 2}], "languages": ["it"]},
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    matches = api("get", f"/mentoring/requests/{request_id}/matches").json()
    assert len(matches) == 1 and matches[0]["offer"]["mentor"]["display_name"] == "Martina"
    assert matches[0]["reasons"][0] == {
        "code": "skill",
        "points": 50,
        "text": "Knows SQL at level 5, one of your priorities (+50)",
    }
    assert matches[0]["score"] == sum(r["points"] for r in matches[0]["reasons"])


def test_matches_are_for_the_mentee_only(member, mentor, outsider):
    found = make_request(member)
    assert Api(mentor)("get", f"/mentoring/requests/{found.pk}/matches").status_code == 403
    assert Api(outsider)("get", f"/mentoring/requests/{found.pk}/matches").status_code == 404
    assert Api(outsider)("get", f"/mentoring/requests/{found.pk}").status_code == 404
    assert Api(mentor)("get", f"/mentoring/requests/{found.pk}").status_code == 200


def test_bad_request_input(member):
    response = Api(member)(
        "post", "/mentoring/requests", {"goals": "x", "skills": [{"name": "SQL", "wish": 3}]}
    )
    assert response.status_code == 400
    response = Api(member)("post", "/mentoring/requests", {"goals": "x", "time_zone": "Nowhere"})
    assert (
        response.status_code == 400 and error_shape(response)["errors"][0]["field"] == "time_zone"
    )


def test_anonymous_gets_401(mentor):
    assert Api()("get", "/mentoring/offers").status_code == 401


def test_the_mentorship_life_cycle(member, mentor, outsider, moderator):
    offer = make_offer(mentor, capacity=1)
    mentee, boss = Api(member), Api(mentor)
    response = mentee("post", "/mentorships", {"offer": offer.pk, "message": "Hello"})
    assert response.status_code == 201
    mid = response.json()["id"]
    assert mentee("post", f"/mentorships/{mid}/accept").status_code == 403
    assert boss("post", f"/mentorships/{mid}/accept").json()["status"] == "accepted"
    again = boss("post", f"/mentorships/{mid}/accept")
    assert again.status_code == 409 and error_shape(again)["code"] == "wrong_status"
    assert boss("post", f"/mentorships/{mid}/teleport").status_code in (400, 404)
    goal = mentee("post", f"/mentorships/{mid}/goals", {"title": "Learn joins"}).json()
    patched = mentee("patch", f"/mentorships/{mid}/goals/{goal['id']}", {"progress": 60})
    assert patched.json()["progress"] == 60
    assert (
        mentee("patch", f"/mentorships/{mid}/goals/{goal['id']}", {"progress": 160}).status_code
        == 400
    )
    assert boss("post", f"/mentorships/{mid}/notes", {"body": "Private"}).status_code == 201
    for intruder in (Api(moderator), Api(outsider)):
        assert intruder("get", f"/mentorships/{mid}").status_code == 404
        assert intruder("get", f"/mentorships/{mid}/notes").status_code == 404
        assert intruder("get", "/mentorships").json() == []
    assert mentee("get", f"/mentorships/{mid}/notes").json()[0]["body"] == "Private"
    assert mentee("post", f"/mentorships/{mid}/feedback", {"rating": 5}).status_code == 409
    assert mentee("post", f"/mentorships/{mid}/complete").json()["status"] == "completed"
    assert mentee("post", f"/mentorships/{mid}/feedback", {"rating": 5}).status_code == 201
    assert mentee("post", f"/mentorships/{mid}/feedback", {"rating": 4}).status_code == 409
    assert mentee("post", f"/mentorships/{mid}/feedback", {"rating": 9}).status_code == 400


def test_asking_a_full_mentor_is_409(member, mentor, community):
    offer = make_offer(mentor, capacity=1)
    first = UserFactory()
    MembershipFactory(community=community, user=first)
    actions.do_accept_mentorship(mentor, actions.do_ask_mentor(first, offer))
    response = Api(member)("post", "/mentorships", {"offer": offer.pk})
    assert response.status_code == 409 and error_shape(response)["code"] == "mentor_at_capacity"


def test_self_mentoring_is_400(mentor):
    offer = make_offer(mentor)
    response = Api(mentor)("post", "/mentorships", {"offer": offer.pk})
    assert response.status_code == 400 and error_shape(response)["code"] == "self_mentoring"


def test_pair_by_hand(moderator, mentor, member, outsider):
    make_offer(mentor)
    body = {"mentor": mentor.pk, "mentee": member.pk}
    assert Api(member)("post", "/communities/pm/mentorships", body).status_code == 403
    response = Api(moderator)("post", "/communities/pm/mentorships", body)
    assert response.status_code == 201 and response.json()["paired_by"] == moderator.pk
    assert ActivityEntry.objects.filter(verb="mentoring.paired").count() == 1
    stranger = {"mentor": mentor.pk, "mentee": outsider.pk}
    assert Api(moderator)("post", "/communities/pm/mentorships", stranger).status_code == 404
    assert Mentorship.objects.count() == 1
