import json
from datetime import date, timedelta

import pytest
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.learning import actions
from koinon.learning.models import Cohort, Programme
from koinon.learning.tests.factories import members

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
        if method != "get":
            kwargs = {
                "data": json.dumps(data) if data is not None else "",
                "content_type": "application/json",
            }
        return getattr(self.client, method)("/api/v1" + path, **kwargs, **self.headers)


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_a_facilitator_builds_a_programme_through_the_api(community, mentor):
    api = Api(mentor)
    response = api(
        "post",
        "/communities/pm/programmes",
        {
            "title": "Retros",
            "description": "Run *good* retros",
            "outcomes": ["Run one"],
            "skills": ["Facilitation"],
            "criteria": ["Clarity"],
        },
    )
    assert response.status_code == 201, response.content
    programme_id = response.json()["id"]
    quiz = api(
        "post",
        f"/programmes/{programme_id}/modules",
        {
            "title": "Quiz",
            "activity": "quiz",
            "questions": [
                {"text": "Who?", "choices": [{"text": "Me", "correct": True}, {"text": "You"}]}
            ],
        },
    )
    assert quiz.status_code == 201
    assert "correct" not in json.dumps(quiz.json())
    today = date.today()
    cohort = api(
        "post",
        f"/programmes/{programme_id}/cohorts",
        {
            "name": "Spring",
            "starts_on": str(today),
            "ends_on": str(today + timedelta(days=30)),
            "capacity": 5,
        },
    )
    assert cohort.status_code == 201
    assert cohort.json()["group"].startswith("retros-spring")
    detail = api("get", f"/programmes/{programme_id}").json()
    assert detail["skills"] == ["Facilitation"] and len(detail["cohorts"]) == 1
    listing = Api()("get", "/communities/pm/programmes").json()
    assert listing["count"] == 1 and listing["items"][0]["module_count"] == 1


def test_bad_input_is_400_in_the_one_error_shape(community, mentor, programme):
    api = Api(mentor)
    unknown = api("post", "/communities/pm/programmes", {"title": "X", "description": "Y", "z": 1})
    assert unknown.status_code == 400 and error_shape(unknown)["code"] == "unknown_fields"
    backwards = api(
        "post",
        f"/programmes/{programme.pk}/cohorts",
        {"name": "B", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert backwards.status_code == 400
    assert error_shape(backwards)["errors"][0]["field"] == "ends_on"


def test_members_may_not_create_programmes(community, member):
    response = Api(member)("post", "/communities/pm/programmes", {"title": "X", "description": "Y"})
    assert response.status_code == 403 and error_shape(response)["code"] == "forbidden"


def test_private_programmes_are_404_for_outsiders(community, programme, cohort, outsider):
    community.visibility = "private"
    community.save()
    api = Api(outsider)
    for path in (
        "/communities/pm/programmes",
        f"/programmes/{programme.pk}",
        f"/cohorts/{cohort.pk}",
    ):
        response = api("get", path)
        assert response.status_code == 404 and error_shape(response)["code"] == "not_found"
    assert api("post", f"/cohorts/{cohort.pk}/enrol").status_code == 404


def test_enrol_full_cohort_is_409(cohort, community):
    cohort.capacity = 1
    cohort.save()
    a, b = members(community, 2)
    assert Api(a)("post", f"/cohorts/{cohort.pk}/enrol").json()["status"] == "active"
    full = Api(b)("post", f"/cohorts/{cohort.pk}/enrol")
    assert full.status_code == 409 and error_shape(full)["code"] == "cohort_full"


def test_quiz_answers_to_unknown_questions_are_400(cohort, modules, member):
    actions.do_enrol(member, cohort)
    api = Api(member)
    response = api(
        "post", f"/cohorts/{cohort.pk}/modules/{modules[2].pk}/hand-in", {"answers": {"999": 1}}
    )
    assert response.status_code == 400
    body = error_shape(response)
    assert body["code"] == "unknown_question" and body["errors"][0]["field"] == "answers"
    garbage = api(
        "post", f"/cohorts/{cohort.pk}/modules/{modules[2].pk}/hand-in", {"answers": {"x": "y"}}
    )
    assert garbage.status_code == 400


def test_marking_done_in_a_cohort_you_are_not_in_is_403(cohort, modules, member):
    response = Api(member)("post", f"/cohorts/{cohort.pk}/modules/{modules[0].pk}/done")
    assert response.status_code == 403 and error_shape(response)["code"] == "not_participant"


def test_the_full_cohort_journey_through_the_api(cohort, modules, community, mentor):
    author, reviewer = members(community, 2)
    for person in (author, reviewer):
        Api(person)("post", f"/cohorts/{cohort.pk}/enrol")
    reflection = modules[1]
    base = f"/cohorts/{cohort.pk}/modules/{reflection.pk}"
    draft = Api(author)("put", f"{base}/draft", {"text": "half"})
    assert draft.status_code == 200 and draft.json()["submitted_at"] is None
    submitted = Api(author)("post", f"{base}/hand-in", {"text": "whole"})
    assert submitted.status_code == 201
    Api(reviewer)("post", f"{base}/hand-in", {"text": "mine"})
    assert Api(mentor)("post", f"{base}/assign-reviews").json() == {"assigned": 2}
    hand_in_id = submitted.json()["id"]
    criteria = {c.pk: 4 for c in cohort.programme.criteria.all()}
    own = Api(author)(
        "post", f"/cohorts/{cohort.pk}/hand-ins/{hand_in_id}/review", {"scores": criteria}
    )
    assert own.status_code == 403 and error_shape(own)["code"] == "own_hand_in"
    out_of_range = Api(reviewer)(
        "post",
        f"/cohorts/{cohort.pk}/hand-ins/{hand_in_id}/review",
        {"scores": dict.fromkeys(criteria, 9)},
    )
    assert out_of_range.status_code == 400
    ok = Api(reviewer)(
        "post", f"/cohorts/{cohort.pk}/hand-ins/{hand_in_id}/review", {"scores": criteria}
    )
    assert ok.status_code == 200
    feedback = Api(mentor)(
        "post", f"/cohorts/{cohort.pk}/hand-ins/{hand_in_id}/feedback", {"text": "Good"}
    )
    assert feedback.json()["feedback"] == "Good"
    grid = Api(mentor)("get", f"/cohorts/{cohort.pk}/progress").json()
    assert len(grid["rows"]) == 2
    assert Api(author)("get", f"/cohorts/{cohort.pk}/progress").status_code == 403
    enrolment_id = next(r["enrolment_id"] for r in grid["rows"] if r["person"]["id"] == author.pk)
    done = Api(mentor)("post", f"/cohorts/{cohort.pk}/enrolments/{enrolment_id}/complete")
    url = done.json()["certificate_url"]
    assert url.startswith("http://testserver/certificates/")
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200


def test_my_skill_assessments_and_goals(member):
    api = Api(member)
    bad = api("post", "/me/skill-assessments", {"skill": "Facilitation", "level": 6})
    assert bad.status_code == 400 and error_shape(bad)["errors"][0]["field"] == "level"
    for level in (2, 3):
        assert (
            api(
                "post", "/me/skill-assessments", {"skill": "Facilitation", "level": level}
            ).status_code
            == 201
        )
    history = api("get", "/me/skill-assessments").json()
    assert [i["level"] for i in history["items"]] == [2, 3]
    goal = api(
        "post",
        "/me/goals",
        {"skill": "facilitation", "target_level": 4, "target_date": "2030-01-01"},
    )
    assert goal.status_code == 201 and goal.json()["skill"] == "Facilitation"
    patched = api("patch", f"/me/goals/{goal.json()['id']}", {"status": "achieved"})
    assert patched.json()["status"] == "achieved"
    assert api("patch", f"/me/goals/{goal.json()['id']}", {"status": "nope"}).status_code == 400
    assert Api()("get", "/me/goals").status_code == 401


def test_the_programme_list_api_is_bounded(community, mentor, django_assert_max_num_queries):
    for i in range(40):
        Programme.objects.create(community=community, title=f"P{i}", slug=f"p{i}", description="d")
    api = Api()
    with django_assert_max_num_queries(6):
        response = api("get", "/communities/pm/programmes?page_size=100")
    assert response.json()["count"] == 40
    assert Cohort.objects.count() == 0
