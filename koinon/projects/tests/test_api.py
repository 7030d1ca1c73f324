import json
from datetime import date

import pytest
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.library.models import Lesson
from koinon.projects.models import Support, Task
from koinon.projects.tests.factories import (
    ExperimentFactory,
    IdeaFactory,
    ProjectFactory,
    ProjectMemberFactory,
    TaskFactory,
)

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


def _shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_propose_and_list_ideas_sorted_by_support(community, member, mentor, moderator):
    api = Api(member)
    created = api(
        "post",
        "/communities/pm/ideas",
        {"title": "Games", "problem": "Dull", "proposal": "Play", "benefit": "Fun"},
    )
    assert created.status_code == 201 and created.json()["support_count"] == 0
    other = IdeaFactory(community=community, author=member, title="Loved")
    assert Api(mentor)("post", f"/ideas/{other.pk}/support").status_code == 201
    listing = Api(mentor)("get", "/communities/pm/ideas?sort=support").json()
    assert [i["title"] for i in listing["items"]] == ["Loved", "Games"]
    assert listing["items"][0]["support_count"] == 1


def test_supporting_twice_is_409_with_the_error_shape(community, member, mentor):
    idea = IdeaFactory(community=community, author=member)
    api = Api(mentor)
    api("post", f"/ideas/{idea.pk}/support")
    again = api("post", f"/ideas/{idea.pk}/support")
    assert again.status_code == 409
    assert _shape(again)["code"] == "already_supported"
    assert Support.objects.count() == 1
    withdrawn = api("delete", f"/ideas/{idea.pk}/support")
    assert withdrawn.status_code == 200 and withdrawn.json()["support_count"] == 0


def test_supporting_your_own_idea_is_403(community, member):
    idea = IdeaFactory(community=community, author=member)
    response = Api(member)("post", f"/ideas/{idea.pk}/support")
    assert response.status_code == 403 and _shape(response)["code"] == "own_idea"


def test_only_moderators_change_the_status(community, member, moderator):
    idea = IdeaFactory(community=community, author=member)
    assert Api(member)("post", f"/ideas/{idea.pk}/status", {"status": "planned"}).status_code == 403
    declined = Api(moderator)("post", f"/ideas/{idea.pk}/status", {"status": "declined"})
    assert declined.status_code == 400 and _shape(declined)["errors"][0]["field"] == "reason"
    planned = Api(moderator)("post", f"/ideas/{idea.pk}/status", {"status": "planned"})
    assert planned.status_code == 200 and planned.json()["status"] == "planned"


def test_unknown_fields_are_400(community, member):
    response = Api(member)(
        "post",
        "/communities/pm/ideas",
        {"title": "x", "problem": "p", "proposal": "p", "benefit": "b", "votes": 99},
    )
    assert response.status_code == 400 and _shape(response)["code"] == "unknown_fields"


def test_experiment_created_from_an_idea_and_closed_into_a_lesson(community, member, mentor):
    idea = IdeaFactory(community=community, author=mentor)
    api = Api(member)
    created = api(
        "post",
        "/communities/pm/experiments",
        {
            "title": "Timer",
            "hypothesis": "h",
            "tried": "t",
            "measure": "m",
            "starts_on": "2027-01-01",
            "ends_on": "2027-02-01",
            "participants": [mentor.pk],
            "idea_id": idea.pk,
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["idea_id"] == idea.pk and body["participants"][0]["id"] == mentor.pk
    no_outcome = api("post", f"/experiments/{body['id']}/close", {"learned": "x"})
    assert no_outcome.status_code == 400
    assert _shape(no_outcome)["code"] == "outcome_required"
    closed = api("post", f"/experiments/{body['id']}/close", {"outcome": "failed", "learned": "x"})
    assert closed.status_code == 200 and closed.json()["lesson_id"] == Lesson.objects.get().pk
    listing = Api(mentor)("get", "/communities/pm/experiments").json()
    assert listing["items"][0]["closed"] is True


def test_experiment_ending_before_it_starts_is_400(community, member):
    response = Api(member)(
        "post",
        "/communities/pm/experiments",
        {
            "title": "T",
            "hypothesis": "h",
            "tried": "t",
            "measure": "m",
            "starts_on": "2027-02-01",
            "ends_on": "2027-01-01",
        },
    )
    assert response.status_code == 400 and _shape(response)["errors"][0]["field"] == "ends_on"


def test_projects_and_tasks(community, member, mentor):
    api = Api(member)
    project = api(
        "post",
        "/communities/pm/projects",
        {"title": "Handbook", "purpose": "Write it", "ends_on": "2027-06-30"},
    ).json()
    task = api("post", f"/projects/{project['id']}/tasks", {"title": "Chapter 1"})
    assert task.status_code == 201 and task.json()["status"] == "todo"
    moved = api(
        "post",
        f"/projects/{project['id']}/tasks/{task.json()['id']}/move",
        {"status": "doing", "version": 1},
    )
    assert moved.status_code == 200
    assert moved.json() | {"updated_at": None} == moved.json() | {
        "status": "doing",
        "version": 2,
        "overtaken": False,
        "updated_at": None,
    }
    listing = Api(mentor)("get", f"/projects/{project['id']}/tasks?status=doing").json()
    assert [t["title"] for t in listing["items"]] == ["Chapter 1"]
    forbidden = Api(mentor)(
        "post", f"/projects/{project['id']}/tasks/{task.json()['id']}/move", {"status": "done"}
    )
    assert forbidden.status_code == 403 and _shape(forbidden)["code"] == "forbidden"
    assert Task.objects.get().status == "doing"


def test_a_stale_move_still_wins_and_says_so(community, member, mentor):
    project = ProjectFactory(community=community)
    ProjectMemberFactory(project=project, user=member, role="lead")
    ProjectMemberFactory(project=project, user=mentor)
    task = TaskFactory(project=project)
    path = f"/projects/{project.pk}/tasks/{task.pk}/move"
    Api(member)("post", path, {"status": "doing", "version": 1})
    late = Api(mentor)("post", path, {"status": "done", "version": 1}).json()
    assert late["overtaken"] is True and late["status"] == "done" and late["version"] == 3


def test_members_only_projects_and_private_communities_are_404(community, member, outsider):
    project = ProjectFactory(community=community, visibility="members")
    ProjectMemberFactory(project=project, user=member, role="lead")
    other = MembershipFactory(community=community).user
    assert Api(other)("get", f"/projects/{project.pk}/tasks").status_code == 404
    assert Api(other)("get", "/communities/pm/projects").json()["count"] == 0
    assert Api(member)("get", "/communities/pm/projects").json()["count"] == 1
    community.visibility = Visibility.PRIVATE
    community.save()
    ExperimentFactory(community=community, starts_on=date(2027, 1, 1))
    for path in ("ideas", "experiments", "projects"):
        response = Api(outsider)("get", f"/communities/pm/{path}")
        assert response.status_code == 404 and _shape(response)["code"] == "not_found"
    assert Api()("get", "/communities/pm/ideas").status_code == 404


def test_lists_run_bounded_queries(community, member, mentor, django_assert_max_num_queries):
    for _i in range(30):
        IdeaFactory(community=community, author=member)
        e = ExperimentFactory(community=community)
        e.participants.add(mentor)
    api = Api(member)
    for path in ("ideas", "experiments", "projects"):
        with django_assert_max_num_queries(12):
            assert api("get", f"/communities/pm/{path}").status_code == 200
