import json
from datetime import timedelta

import pytest
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, GroupFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.models import Post, Reaction, Topic
from koinon.discussions.tests.factories import make_question, make_reply, make_topic

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


@pytest.fixture
def api():
    return Api


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


# --- Topics ------------------------------------------------------------------------


def test_member_creates_a_question(api, community, member):
    group = GroupFactory(community=community, slug="pmo")
    response = api(member)(
        "post",
        "/communities/pm/topics",
        {
            "title": "Which tool?",
            "body": "Jira or **Linear**?",
            "kind": "question",
            "label": "challenge",
            "tags": ["Tools", "jira"],
            "group": "pmo",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "question" and body["group"] == "pmo"
    assert body["tags"] == ["jira", "tools"] and "<strong>Linear</strong>" in body["body_html"]
    assert body["author"] == {"id": member.pk, "display_name": "Mia", "anonymous": False}
    assert Topic.objects.get().group == group


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": "x", "body": "   "}, "body"),
        ({"title": "x", "body": "a" * 32_001}, "body"),
        ({"title": "", "body": "x"}, "title"),
        ({"title": "x", "body": "x", "kind": "poll"}, "kind"),
        ({"title": "x", "body": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_topics_are_400_with_the_field(api, community, member, payload, field):
    response = api(member)("post", "/communities/pm/topics", payload)
    assert response.status_code == 400
    assert field in [e["field"] for e in error_shape(response)["errors"]]
    assert not Topic.objects.exists()


def test_outsider_cannot_create_a_topic(api, community, outsider):
    response = api(outsider)("post", "/communities/pm/topics", {"title": "x", "body": "y"})
    assert response.status_code == 403 and error_shape(response)["code"] == "forbidden"


def test_visitor_must_sign_in_to_write(api, community):
    response = api()("post", "/communities/pm/topics", {"title": "x", "body": "y"})
    assert response.status_code == 401


def test_topic_list_and_filters(api, community, member):
    make_topic(member, community, title="Chat")
    make_question(member, community, title="Ask")
    body = api()("get", "/communities/pm/topics?kind=question").json()
    assert [t["title"] for t in body["items"]] == ["Ask"] and body["count"] == 1
    assert api()("get", "/communities/pm/topics?state=unanswered").json()["count"] == 1


def test_private_topics_are_hidden_from_outsiders(api, member, outsider):
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    topic = make_topic(member, club)
    post = make_reply(member, topic)
    assert api(outsider)("get", "/communities/club/topics").status_code == 403
    for path in (f"/topics/{topic.pk}", f"/topics/{topic.pk}/posts", f"/posts/{post.pk}"):
        response = api(outsider)("get", path)
        assert response.status_code == 404 and error_shape(response)["code"] == "not_found"
    assert api(member)("get", f"/topics/{topic.pk}").status_code == 200


def test_secret_community_topics_are_404(api, member, outsider):
    cell = CommunityFactory(slug="cell", visibility=Visibility.SECRET)
    MembershipFactory(community=cell, user=member)
    make_topic(member, cell)
    assert api(outsider)("get", "/communities/cell/topics").status_code == 404


# --- Posts, answers, reactions ------------------------------------------------------


def test_answer_accept_and_sorting(api, community, member, mentor, moderator):
    topic = make_question(member, community)
    first = api(mentor)("post", f"/topics/{topic.pk}/posts", {"body": "first"}).json()
    second = api(moderator)("post", f"/topics/{topic.pk}/posts", {"body": "second"}).json()
    assert (
        api(member)("post", f"/posts/{second['id']}/reactions", {"kind": "helpful"}).status_code
        == 201
    )
    items = api()("get", f"/topics/{topic.pk}/posts").json()["items"]
    assert [p["id"] for p in items] == [second["id"], first["id"]]
    response = api(member)("post", f"/posts/{first['id']}/accept")
    assert response.status_code == 200 and response.json()["answered"] is True
    items = api()("get", f"/topics/{topic.pk}/posts").json()["items"]
    assert items[0]["id"] == first["id"] and items[0]["accepted"] is True
    assert api(member)("delete", f"/topics/{topic.pk}/accepted-answer").status_code == 204


def test_accepting_on_someone_elses_question_is_403(api, community, member, mentor):
    answer = make_reply(member, make_question(member, community))
    response = api(mentor)("post", f"/posts/{answer.pk}/accept")
    assert response.status_code == 403
    assert "Only the person who asked" in error_shape(response)["detail"]


def test_replying_to_a_closed_topic_is_403(api, community, member, moderator):
    topic = make_topic(member, community)
    actions.do_set_topic_state(moderator, topic, closed=True)
    response = api(member)("post", f"/topics/{topic.pk}/posts", {"body": "late"})
    assert response.status_code == 403 and error_shape(response)["code"] == "closed"


def test_reacting_twice_is_409(api, community, member, mentor):
    post = make_reply(mentor, make_topic(mentor, community))
    call = api(member)
    assert call("post", f"/posts/{post.pk}/reactions", {"kind": "thanks"}).status_code == 201
    response = call("post", f"/posts/{post.pk}/reactions", {"kind": "thanks"})
    assert response.status_code == 409 and error_shape(response)["code"] == "already_reacted"
    assert call("delete", f"/posts/{post.pk}/reactions/thanks").status_code == 204
    assert not Reaction.objects.exists()
    assert call("post", f"/posts/{post.pk}/reactions", {"kind": "love"}).status_code == 400


def test_editing_someone_elses_post_is_403(api, community, member, mentor):
    post = make_reply(mentor, make_topic(mentor, community))
    response = api(member)("patch", f"/posts/{post.pk}", {"body": "mine"})
    assert response.status_code == 403
    response = api(mentor)("patch", f"/posts/{post.pk}", {"body": "better"})
    assert response.status_code == 200 and response.json()["edited_at"]


def test_delete_is_soft_and_then_404(api, community, member):
    post = make_reply(member, make_topic(member, community))
    assert api(member)("delete", f"/posts/{post.pk}").status_code == 204
    assert Post.objects.get(pk=post.pk).is_deleted
    assert api(member)("delete", f"/posts/{post.pk}").status_code == 404
    body = api(member)("get", f"/posts/{post.pk}").json()
    assert body["deleted"] is True and body["body"] == "" and body["author"] is None


def test_empty_reply_is_400(api, community, member):
    topic = make_topic(member, community)
    response = api(member)("post", f"/topics/{topic.pk}/posts", {"body": ""})
    assert response.status_code == 400
    assert error_shape(response)["errors"][0]["field"] == "body"


# --- Anonymous authors -----------------------------------------------------------------


def test_anonymous_authors_are_absent_from_every_answer(api, community, member, moderator):
    community.allow_anonymous = True
    community.save()
    member.date_joined -= timedelta(days=2)  # past the new-member limits
    member.save()
    created = api(member)(
        "post",
        "/communities/pm/topics",
        {"title": "Is it me?", "body": "worried", "kind": "question", "is_anonymous": True},
    ).json()
    topic_id = created["id"]
    api(member)("post", f"/topics/{topic_id}/posts", {"body": "more", "is_anonymous": True})
    anonymous = {"id": None, "display_name": "Anonymous member", "anonymous": True}
    for viewer in (None, moderator):
        call = api(viewer)
        detail = call("get", f"/topics/{topic_id}").json()
        listed = call("get", "/communities/pm/topics").json()["items"][0]
        (reply,) = call("get", f"/topics/{topic_id}/posts").json()["items"]
        assert detail["author"] == listed["author"] == reply["author"] == anonymous
        dump = json.dumps([detail, listed, reply])
        assert "Mia" not in dump and "mia@" not in dump
        hits = call("get", "/search?q=worried").json()["items"]
        assert hits and hits[0]["author"] == "Anonymous member"


def test_anonymous_refused_where_not_allowed(api, community, member):
    response = api(member)(
        "post", "/communities/pm/topics", {"title": "x", "body": "y", "is_anonymous": True}
    )
    assert response.status_code == 403
    assert error_shape(response)["errors"][0]["field"] == "is_anonymous"


# --- Search ---------------------------------------------------------------------------


def test_search_obeys_the_policy(api, community, member, outsider):
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Quarterly forecast secrets")
    make_topic(member, community, title="Quarterly planning")
    body = api(outsider)("get", "/search?q=quarterly").json()
    assert [h["topic_title"] for h in body["items"]] == ["Quarterly planning"]
    assert body["count"] == 1
    assert api(member)("get", "/search?q=quarterly").json()["count"] == 2
    assert api()("get", "/search?q=").status_code == 400


def test_topic_list_queries_do_not_grow_with_topics(api, community, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = api(member)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert call("get", "/communities/pm/topics").status_code == 200
        return len(context)

    make_topic(member, community, title="Topic", tags="a,b")
    queries()  # the token's first use is recorded once
    few = queries()
    for n in range(30):
        make_topic(member, community, title=f"Topic {n}", tags="a,b")
    assert queries() == few, "API topic list: one query per topic?"
    assert few <= 12


def test_the_openapi_schema_lists_the_endpoints(api):
    paths = api()("get", "/openapi.json").json()["paths"]
    for path in (
        "/api/v1/communities/{slug}/topics",
        "/api/v1/topics/{topic_id}",
        "/api/v1/topics/{topic_id}/posts",
        "/api/v1/posts/{post_id}/accept",
        "/api/v1/posts/{post_id}/reactions",
        "/api/v1/search",
    ):
        assert path in paths


def test_subscription_by_api(api, community, member, mentor):
    topic = make_topic(mentor, community)
    call = api(member)
    assert call("get", f"/topics/{topic.pk}/subscription").json()["level"] == "normal"
    response = call("put", f"/topics/{topic.pk}/subscription", {"level": "mute"})
    assert response.status_code == 200 and response.json()["level"] == "mute"
    assert call("put", f"/topics/{topic.pk}/subscription", {"level": "loud"}).status_code == 400
    assert api()("get", f"/topics/{topic.pk}/subscription").status_code == 401
