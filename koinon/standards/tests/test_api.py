import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from koinon.accounts.models import ApiToken, TokenScope
from koinon.communities.models import Visibility
from koinon.standards import actions
from koinon.standards.models import Ballot, Standard, Vote
from koinon.standards.tests.factories import make_standard, open_vote, revise

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


def error_code(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body["code"]


BASE = "/communities/pm/standards"
TEXT = {"kind": "guideline", "title": "Ethics", "body": "Intro.\n\n## Data\n\nKeep it safe."}


def test_create_read_edit_and_conflict(community, member):
    api = Api(member)
    created = api("post", BASE, TEXT)
    assert created.status_code == 201
    data = created.json()
    assert data["version"] == 1 and data["kind"] == "guideline"
    assert [s["key"] for s in data["sections"]] == ["preamble", "data"]
    one = f"{BASE}/{data['slug']}"
    edit = {"base_version": 1, "title": "Ethics", "body": TEXT["body"] + "\n\nMore."}
    assert api("patch", one, edit).json()["version"] == 2
    conflict = api("patch", one, {**edit, "body": "other"})
    assert conflict.status_code == 409 and error_code(conflict) == "edit_conflict"
    listing = api("get", BASE).json()
    assert listing["count"] == 1 and listing["items"][0]["slug"] == "ethics"
    versions = api("get", one + "/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    diff = api("get", one + "/diff?from=1&to=2").json()
    assert "+More." in diff["unified"]
    assert api("get", one + "/diff?from=1&to=9").status_code == 404
    assert api("get", one + "/diff?from=x&to=2").status_code == 400
    assert api("post", one + "/versions/1/restore").json()["version"] == 3


def test_bad_input(community, member):
    api = Api(member)
    assert api("post", BASE, {**TEXT, "kind": "manifesto"}).status_code == 400
    assert api("post", BASE, {**TEXT, "colour": "red"}).status_code == 400
    assert api("post", BASE, {**TEXT, "working_group": 999}).status_code == 400
    assert api("post", BASE, {**TEXT, "topic": 999}).status_code == 404
    assert api("post", BASE, {**TEXT, "body": " "}).status_code == 400


def test_comments_and_amendments(community, member, mentor, outsider):
    standard = make_standard(member, community)
    one = f"{BASE}/{standard.slug}"
    api = Api(mentor)
    comment = api("post", one + "/comments", {"section": "confidentiality", "body": "Which?"})
    assert comment.status_code == 201 and comment.json()["section_title"] == "Confidentiality"
    bad = api("post", one + "/comments", {"section": "nowhere", "body": "?"})
    assert bad.status_code == 400 and error_code(bad) == "no_section"
    listed = api("get", one + "/comments?section=confidentiality").json()
    assert listed["count"] == 1
    amendment = api(
        "post",
        one + "/amendments",
        {"section": "preamble", "text": "A better intro.", "rationale": "Clearer."},
    )
    assert amendment.status_code == 201
    amendment_id = amendment.json()["id"]
    refused = Api(outsider)(
        "post", one + "/amendments", {"section": "preamble", "text": "x", "rationale": "y"}
    )
    assert refused.status_code == 403
    decide = one + f"/amendments/{amendment_id}/decision"
    assert api("post", decide, {"accept": True}).status_code == 403
    drafter = Api(member)
    assert drafter("post", decide, {"accept": False}).status_code == 400  # no reason
    accepted = drafter("post", decide, {"accept": True, "reason": "Thanks"})
    assert accepted.status_code == 200 and accepted.json()["applied_version"] == 2
    assert drafter("post", decide, {"accept": True}).status_code == 409
    assert drafter("post", one + "/amendments/999999/decision", {"accept": True}).status_code == 404


def test_vote_cycle(community, owner, member, mentor, moderator):
    standard = make_standard(member, community)
    one = f"{BASE}/{standard.slug}"
    drafter = Api(member)
    closes = (timezone.now() + timedelta(days=3)).isoformat()
    over = drafter("post", one + "/votes", {"closes_at": closes, "quorum": 120, "threshold": 50})
    assert over.status_code == 400
    assert over.json()["errors"][0]["field"] == "quorum"
    opened = drafter("post", one + "/votes", {"closes_at": closes, "quorum": 50, "threshold": 50})
    assert opened.status_code == 201 and opened.json()["eligible_count"] == 4
    frozen = drafter("patch", one, {"base_version": 1, "title": "x", "body": "## y\n\nz"})
    assert frozen.status_code == 409 and error_code(frozen) == "frozen"
    again = drafter("post", one + "/votes", {"closes_at": closes, "quorum": 50, "threshold": 50})
    assert again.status_code == 409
    cast = one + "/votes/current/ballots"
    assert drafter("post", cast, {"choice": "approve"}).status_code == 201
    twice = drafter("post", cast, {"choice": "object"})
    assert twice.status_code == 409 and error_code(twice) == "already_voted"
    assert drafter("post", cast, {"choice": "maybe"}).status_code == 400
    assert Api(mentor)("post", cast, {"choice": "object", "reason": "Too vague"}).status_code == 201
    assert Api(owner)("post", cast, {"choice": "approve"}).status_code == 201
    detail = drafter("get", one).json()
    assert detail["ballot"]["votes_cast"] == 3 and detail["ballot"]["approve"] is None
    assert Api(mentor)("post", one + "/votes/current/close").status_code == 403
    closed = drafter("post", one + "/votes/current/close").json()
    assert closed["result"] == "ratified"  # 2 of 3 approve ≥ 50 %, 3 of 4 voted ≥ 50 %
    assert (closed["approve"], closed["object"], closed["abstain"]) == (2, 1, 0)
    late = Api(moderator)("post", cast, {"choice": "approve"})
    assert late.status_code == 400 and error_code(late) == "no_vote"
    ballots = drafter("get", one + "/votes").json()
    assert ballots["items"][0]["result"] == "ratified"
    assert drafter("get", one).json()["ratified_version"] == 1
    versions = drafter("get", one + "/versions").json()
    assert versions["items"][0]["ratified"] is True


def test_vote_outside_window_through_the_api(community, member, mentor):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() + timedelta(hours=2))
    response = Api(mentor)(
        "post", f"{BASE}/{standard.slug}/votes/current/ballots", {"choice": "approve"}
    )
    assert response.status_code == 400 and error_code(response) == "vote_not_open"
    assert not Vote.objects.exists()


def test_lazy_close_on_api_read(community, member, mentor):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=1, threshold=1)
    actions.do_vote(mentor, ballot, choice="approve")
    end = timezone.now() - timedelta(seconds=5)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=end - timedelta(hours=1), closes_at=end)
    data = Api(member)("get", f"{BASE}/{standard.slug}").json()
    assert data["status"] == "ratified" and data["ballot"] is None


def test_privacy(community, member, outsider):
    standard = make_standard(member, community)
    community.visibility = Visibility.PRIVATE
    community.save()
    api = Api(outsider)
    assert api("get", f"{BASE}/{standard.slug}").status_code == 404
    assert api("get", f"{BASE}/{standard.slug}/versions").status_code == 404
    assert Api()("get", f"{BASE}/{standard.slug}").status_code == 404
    assert api("post", BASE, TEXT).status_code in (403, 404)
    assert Standard.objects.count() == 1


def test_list_queries_are_bounded(community, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = Api(member)

    def count(n):
        for i in range(n):
            revise(member, make_standard(member, community, title=f"S {n} {i}"), body="## a\n\nb")
        api("get", BASE)
        with CaptureQueriesContext(connection) as queries:
            assert api("get", BASE + "?page_size=100").status_code == 200
        return len(queries)

    small = count(2)
    assert count(30) <= small
