import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.communities.models import Visibility
from koinon.library import actions
from koinon.library.models import Adoption, ChangeProposal, Lesson, Practice, Resource
from koinon.library.tests.factories import make_lesson, make_practice, revise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings, tmp_path):
    settings.LIBRARY_PROTECTED_ROOT = tmp_path / "protected"
    cache.clear()
    yield
    cache.clear()


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


PRACTICE = {"title": "Weekly demo", "summary": "Show what is done.", "body": "1. Show\n2. Ask"}


def test_member_creates_and_lists_practices(community, member):
    response = Api(member)("post", "/communities/pm/practices", {**PRACTICE, "tags": ["Demo"]})
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["status"], body["tags"]) == (1, "draft", ["demo"])
    assert body["can"] == {"edit": True, "maintain": True, "adopt": True}
    listing = Api()("get", "/communities/pm/practices?tag=demo").json()
    assert [p["title"] for p in listing["items"]] == ["Weekly demo"]


def test_unknown_field_and_missing_title_are_400(community, member):
    api = Api(member)
    response = api("post", "/communities/pm/practices", {**PRACTICE, "colour": "red"})
    assert response.status_code == 400 and error_shape(response)["code"] == "unknown_fields"
    response = api("post", "/communities/pm/practices", {**PRACTICE, "title": " "})
    assert response.status_code == 400 and error_shape(response)["errors"][0]["field"] == "title"


def test_outsider_cannot_create_practices(community, outsider):
    response = Api(outsider)("post", "/communities/pm/practices", PRACTICE)
    assert response.status_code == 403
    error_shape(response)


def test_edit_with_a_stale_version_is_409(community, member, mentor):
    practice = make_practice(member, community)
    revise(member, practice, body="Saved first")
    response = Api(mentor)("patch", f"/practices/{practice.pk}", {**PRACTICE, "base_version": 1})
    assert response.status_code == 409
    assert error_shape(response)["code"] == "edit_conflict"
    response = Api(mentor)("patch", f"/practices/{practice.pk}", {**PRACTICE, "base_version": 2})
    assert response.status_code == 200 and response.json()["version"] == 3


def test_versions_diff_and_restore(community, member):
    practice = make_practice(member, community, body="alpha\nbeta")
    revise(member, practice, body="alpha\ngamma", note="gamma now")
    api = Api(member)
    versions = api("get", f"/practices/{practice.pk}/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    assert versions["items"][0]["note"] == "gamma now"
    diff = api("get", f"/practices/{practice.pk}/diff?from=1&to=2").json()
    assert diff["changes"] == [
        {
            "field": "body",
            "rows": [
                {"kind": "gap", "text": "…"},
                {"kind": "context", "text": "alpha"},
                {"kind": "remove", "text": "beta"},
                {"kind": "add", "text": "gamma"},
            ],
        }
    ]
    assert "-beta\n+gamma" in diff["unified"]
    assert api("get", f"/practices/{practice.pk}/diff?from=1&to=7").status_code == 404
    assert api("get", f"/practices/{practice.pk}/diff?from=x&to=1").status_code == 400
    restored = api("post", f"/practices/{practice.pk}/versions/1/restore")
    assert restored.status_code == 200 and restored.json()["body"] == "alpha\nbeta"
    assert restored.json()["version"] == 3


def test_status_by_maintainer_only(community, member, mentor):
    practice = make_practice(member, community)
    assert (
        Api(mentor)("put", f"/practices/{practice.pk}/status", {"status": "adopted"}).status_code
        == 403
    )
    response = Api(member)("put", f"/practices/{practice.pk}/status", {"status": "adopted"})
    assert response.status_code == 200 and response.json()["status"] == "adopted"
    bad = Api(member)("put", f"/practices/{practice.pk}/status", {"status": "famous"})
    assert bad.status_code == 400


def test_adopt_and_unadopt(community, member, mentor):
    practice = make_practice(member, community)
    api = Api(mentor)
    response = api("put", f"/practices/{practice.pk}/adoption", {"note": "daily"})
    assert response.status_code == 200
    assert response.json()["adoption_count"] == 1 and response.json()["adopted_by_me"] is True
    adopters = Api()("get", f"/practices/{practice.pk}/adoptions").json()
    assert adopters["items"][0]["person"]["display_name"] == "Martina"
    assert api("delete", f"/practices/{practice.pk}/adoption").status_code == 204
    assert not Adoption.objects.exists()
    assert api("delete", f"/practices/{practice.pk}/adoption").status_code == 400


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_closed_community_content_is_404_for_outsiders(community, member, outsider, visibility):
    practice = make_practice(member, community)
    lesson = make_lesson(member, community)
    resource = actions.do_add_resource(member, community, kind="tool", title="Board")
    community.visibility = visibility
    community.save()
    for api in (Api(), Api(outsider)):
        for path in (
            f"/practices/{practice.pk}",
            f"/practices/{practice.pk}/versions",
            f"/practices/{practice.pk}/diff?from=1&to=1",
            f"/lessons/{lesson.pk}",
            f"/resources/{resource.pk}",
            f"/resources/{resource.pk}/citation",
        ):
            response = api("get", path)
            assert response.status_code == 404, path
            assert error_shape(response)["code"] == "not_found"
        for path in (
            "/communities/pm/practices",
            "/communities/pm/lessons",
            "/communities/pm/resources",
        ):
            assert api("get", path).status_code in (401, 403, 404), path
    assert Api(member)("get", f"/practices/{practice.pk}").status_code == 200


def test_lessons_api_hides_anonymous_authors_and_proposes_changes(
    community, member, mentor, moderator
):
    community.allow_anonymous = True
    community.save()
    practice = make_practice(member, community)
    response = Api(mentor)(
        "post",
        "/communities/pm/lessons",
        {
            "title": "Demo went badly",
            "context": "Friday",
            "tried": "Live demo",
            "outcome": "failed",
            "learned": "Record it",
            "is_anonymous": True,
            "proposal_practice": practice.pk,
            "proposal": "Record demos in advance",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["author"] == {"id": None, "display_name": "Anonymous member", "anonymous": True}
    assert body["practices"] == [practice.pk]
    seen = Api(moderator)("get", f"/lessons/{body['id']}").json()
    assert seen["author"]["id"] is None
    listing = Api(moderator)("get", "/communities/pm/lessons?went_wrong=true").json()
    assert listing["items"][0]["author"]["anonymous"] is True
    (proposal,) = Api(member)("get", f"/practices/{practice.pk}/proposals").json()
    assert proposal["text"] == "Record demos in advance"
    assert (
        Api(mentor)("post", f"/proposals/{proposal['id']}/decision", {"accept": True}).status_code
        == 403
    )
    response = Api(member)(
        "post", f"/proposals/{proposal['id']}/decision", {"accept": True, "reason": "Yes"}
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    again = Api(member)("post", f"/proposals/{proposal['id']}/decision", {"accept": False})
    assert again.status_code == 409
    assert ChangeProposal.objects.get().status == "accepted"


def test_lesson_with_a_foreign_practice_is_400(community, member):
    response = Api(member)(
        "post",
        "/communities/pm/lessons",
        {
            "title": "T",
            "context": "C",
            "tried": "T",
            "outcome": "worked",
            "learned": "L",
            "practices": [999],
        },
    )
    assert (
        response.status_code == 400 and error_shape(response)["errors"][0]["field"] == "practices"
    )
    assert not Lesson.objects.exists()


def test_resources_api_with_citation_and_bad_doi(community, member):
    api = Api(member)
    response = api(
        "post",
        "/communities/pm/resources",
        {
            "kind": "publication",
            "title": "Flow",
            "authors": ["Rossi, Maria"],
            "year": 2020,
            "doi": "10.1000/flow",
        },
    )
    assert response.status_code == 201
    resource_id = response.json()["id"]
    citation = api("get", f"/resources/{resource_id}/citation?format=ris")
    assert citation.status_code == 200
    assert citation.content.decode() == (
        "TY  - JOUR\r\nAU  - Rossi, Maria\r\nTI  - Flow\r\n"
        "PY  - 2020\r\nDO  - 10.1000/flow\r\nER  - \r\n"
    )
    bad = api(
        "post", "/communities/pm/resources", {"kind": "publication", "title": "X", "doi": "nope"}
    )
    assert bad.status_code == 400 and error_shape(bad)["errors"][0]["field"] == "doi"
    review = api("put", f"/resources/{resource_id}/review", {"useful_for": "Onboarding"})
    assert review.status_code == 200
    assert api("get", f"/resources/{resource_id}/reviews").json()[0]["useful_for"] == "Onboarding"


def test_file_upload_through_the_api(community, member):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _token, raw = ApiToken.issue(member, name="t", scope=TokenScope.WRITE)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ok = client.post(
        "/api/v1/communities/pm/resources/upload",
        {"title": "Plan", "file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF")},
        **headers,
    )
    assert ok.status_code == 201
    assert ok.json()["file_url"] == f"/c/pm/resources/{ok.json()['id']}/file/"
    bad = client.post(
        "/api/v1/communities/pm/resources/upload",
        {"title": "Evil", "file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00rest")},
        **headers,
    )
    assert bad.status_code == 400
    assert error_shape(bad)["code"] == "executable"
    assert Resource.objects.count() == 1


def test_practice_list_api_is_bounded(community, member, django_assert_max_num_queries):
    for n in range(30):
        make_practice(member, community, title=f"P{n}", tags="x,y")
    api = Api(member)
    api("get", "/communities/pm/practices")
    with django_assert_max_num_queries(12):
        response = api("get", "/communities/pm/practices?page_size=100")
    assert response.status_code == 200 and response.json()["count"] == 30
    assert Practice.objects.count() == 30
