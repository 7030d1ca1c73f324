import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from koinon.accounts.models import ApiToken, TokenScope
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.moderation import actions
from koinon.moderation.models import Block, Flag

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
        if method not in ("get", "delete"):
            kwargs = {
                "data": json.dumps(data) if data is not None else "",
                "content_type": "application/json",
            }
        return getattr(self.client, method)("/api/v1" + path, **kwargs, **self.headers)


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_flag_a_post(reply, member):
    response = Api(member)("post", f"/posts/{reply.pk}/flags", {"reason": "spam", "text": "Ads"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reason"] == "spam" and body["post_hidden"] is False
    again = Api(member)("post", f"/posts/{reply.pk}/flags", {"reason": "spam"})
    assert again.status_code == 409 and error_shape(again)["code"] == "already_flagged"


@pytest.mark.parametrize(
    "data", [{}, {"reason": "rude"}, {"reason": "spam", "extra": 1}, {"reason": "other"}]
)
def test_bad_flags_are_400(reply, member, data):
    response = Api(member)("post", f"/posts/{reply.pk}/flags", data)
    assert response.status_code == 400
    error_shape(response)


def test_flag_refusals(reply, mentor, outsider, community):
    own = Api(mentor)("post", f"/posts/{reply.pk}/flags", {"reason": "spam"})
    assert own.status_code == 403 and error_shape(own)["code"] == "own_post"
    assert Api(outsider)("post", f"/posts/{reply.pk}/flags", {"reason": "spam"}).status_code == 403
    assert Api()("post", f"/posts/{reply.pk}/flags", {"reason": "spam"}).status_code == 401
    assert Api(mentor)("post", "/posts/999999/flags", {"reason": "spam"}).status_code == 404


def test_private_community_posts_are_404_to_outsiders(reply, outsider, community):
    community.visibility = "private"
    community.save()
    response = Api(outsider)("post", f"/posts/{reply.pk}/flags", {"reason": "spam"})
    assert response.status_code == 404


def test_queue_and_review(reply, member, moderator, flaggers):
    for person in flaggers:
        Api(person)("post", f"/posts/{reply.pk}/flags", {"reason": "spam"})
    queue = Api(moderator)("get", "/communities/pm/moderation/queue")
    assert queue.status_code == 200
    (item,) = queue.json()["items"]
    assert item["post_id"] == reply.pk and item["flag_count"] == 3 and item["hidden"]
    assert item["reasons"] == [{"reason": "Spam", "count": 3}]
    url = f"/communities/pm/moderation/queue/{reply.pk}/review"
    response = Api(moderator)("post", url, {"decision": "restore", "reason": "Fine"})
    assert response.json() == {
        "post_id": reply.pk,
        "hidden": False,
        "deleted": False,
        "open_flags": 0,
    }
    assert Api(moderator)("get", "/communities/pm/moderation/queue").json()["count"] == 0
    assert Api(moderator)("post", url, {"decision": "zap"}).status_code == 400


@pytest.mark.parametrize("who", ["member", "mentor", "outsider"])
def test_non_moderators_are_refused(request, who, reply):
    api = Api(request.getfixturevalue(who))
    for method, path, data in [
        ("get", "/communities/pm/moderation/queue", None),
        ("get", "/communities/pm/moderation/audit", None),
        ("get", "/communities/pm/moderation/blocks", None),
        ("post", "/communities/pm/moderation/blocks", {"user_id": 1, "reason": "x"}),
        ("post", f"/posts/{reply.pk}/hide", {}),
        ("post", f"/posts/{reply.pk}/restore", {}),
        ("post", f"/topics/{reply.topic_id}/lock", {}),
        ("post", f"/communities/pm/moderation/queue/{reply.pk}/review", {"decision": "hide"}),
    ]:
        response = api(method, path, data)
        assert response.status_code == 403, (method, path)
        error_shape(response)


def test_hide_restore_lock_move(reply, moderator, community):
    from koinon.communities.tests.factories import GroupFactory

    GroupFactory(community=community, slug="pmo", name="PMO")
    api = Api(moderator)
    assert api("post", f"/posts/{reply.pk}/hide", {"reason": "x"}).json()["hidden"] is True
    assert api("post", f"/posts/{reply.pk}/hide", {}).status_code == 409
    assert api("post", f"/posts/{reply.pk}/restore", {}).json()["hidden"] is False
    topic_id = reply.topic_id
    locked = api("post", f"/topics/{topic_id}/lock", {"reason": "Heated"})
    assert locked.json() == {"topic_id": topic_id, "closed": True, "group": None}
    moved = api("post", f"/topics/{topic_id}/move", {"group": "pmo", "reason": "There"})
    assert moved.json()["group"] == "pmo"
    assert api("post", f"/topics/{topic_id}/move", {"group": "nope"}).status_code == 400


def test_blocks(moderator, flaggers, community, topic):
    api = Api(moderator)
    person = flaggers[0]
    until = (timezone.now() + timedelta(days=3)).isoformat()
    response = api(
        "post",
        "/communities/pm/moderation/blocks",
        {"user_id": person.pk, "reason": "Insults", "ends_at": until},
    )
    assert response.status_code == 201, response.content
    block_id = response.json()["id"]
    assert api("get", "/communities/pm/moderation/blocks").json()["count"] == 1
    # The blocked person cannot write through the API either.
    reply = Api(person)("post", f"/topics/{topic.pk}/posts", {"body": "hello"})
    assert reply.status_code == 403
    again = api("post", "/communities/pm/moderation/blocks", {"user_id": person.pk, "reason": "x"})
    assert again.status_code == 409
    assert api("delete", f"/communities/pm/moderation/blocks/{block_id}").status_code == 204
    assert not Block.objects.active().exists()
    assert api("delete", f"/communities/pm/moderation/blocks/{block_id}").status_code == 409


@pytest.mark.parametrize(
    "data",
    [
        {"user_id": 999999, "reason": "x"},
        {"user_id": "P", "reason": ""},
        {"user_id": "P", "reason": "x", "ends_at": "2001-01-01T00:00:00Z"},
        {"user_id": "P", "reason": "x", "ends_at": "soon"},
    ],
)
def test_bad_blocks_are_400(moderator, flaggers, data):
    data = {**data, "user_id": flaggers[0].pk if data["user_id"] == "P" else data["user_id"]}
    response = Api(moderator)("post", "/communities/pm/moderation/blocks", data)
    assert response.status_code == 400
    error_shape(response)


def test_audit(moderator, reply):
    actions.do_hide_post(moderator, reply, reason="Spam")
    body = Api(moderator)("get", "/communities/pm/moderation/audit").json()
    (entry,) = body["items"]
    assert entry["verb"] == "moderation.post_hidden" and entry["reason"] == "Spam"
    assert entry["actor"] == "Marco" and entry["post_id"] == reply.pk


# --- Hidden posts do not leak through the discussions API or the search -------------


def test_hidden_posts_do_not_leak(moderator, member, mentor, community, reply):
    topic = make_topic(mentor, community, title="Rude words in the title")
    opening = topic.posts.get()
    actions.do_hide_post(moderator, reply)
    actions.do_hide_post(moderator, opening)
    api = Api(member)
    posts = api("get", f"/topics/{reply.topic_id}/posts").json()["items"]
    (shown,) = [p for p in posts if p["id"] == reply.pk]
    assert shown["hidden"] is True and shown["body"] == "" and shown["body_html"] == ""
    one = api("get", f"/posts/{reply.pk}").json()
    assert one["body"] == "" and one["hidden"] is True
    detail = api("get", f"/topics/{topic.pk}").json()
    assert detail["body"] == ""
    titles = [t["title"] for t in api("get", "/communities/pm/topics").json()["items"]]
    assert "Rude words in the title" not in titles
    assert api("get", "/search?q=pills").json()["count"] == 0
    # The author still reads it.
    assert Api(mentor)("get", f"/posts/{reply.pk}").json()["body"] != ""


def test_queue_api_queries_are_bounded(moderator, flaggers, topic, mentor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = Api(moderator)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert api("get", "/communities/pm/moderation/queue").status_code == 200
        return len(context)

    actions.do_flag_post(flaggers[0], make_reply(mentor, topic, body="a"), reason="spam")
    count()
    few = count()
    for n in range(6):
        post = make_reply(mentor, topic, body=f"b{n}")
        for person in flaggers[:2]:
            actions.do_flag_post(person, post, reason="off_topic")
    assert count() == few
    assert Flag.objects.count() == 13
