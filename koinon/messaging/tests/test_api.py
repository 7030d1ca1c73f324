"""The conversations API: same rules as the pages, one error shape."""

import pytest

from koinon.api.tests.conftest import api_for
from koinon.communities.tests.factories import MembershipFactory
from koinon.messaging import actions
from koinon.messaging.models import Block, Conversation, Report

pytestmark = pytest.mark.django_db


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def start(api, *ids, body="Hello"):
    return api.post("/conversations", {"participants": list(ids), "subject": "S", "body": body})


def test_start_list_send_and_read(member, mentor):
    api = api_for(member)
    response = start(api, mentor.pk)
    assert response.status_code == 201
    data = response.json()
    assert data["participants"] == [{"id": mentor.pk, "display_name": "Martina"}]
    other = api_for(mentor)
    assert other.get("/conversations/unread").json() == {"unread": 1}
    listed = other.get("/conversations").json()
    assert listed["count"] == 1 and listed["items"][0]["unread"] == 1
    cid = data["id"]
    sent = other.post(f"/conversations/{cid}/messages", {"body": "*Hi*"})
    assert sent.status_code == 201 and sent.json()["body_html"] == "<p><em>Hi</em></p>\n"
    messages = api.get(f"/conversations/{cid}/messages").json()
    assert [m["body"] for m in messages["items"]] == ["*Hi*", "Hello"]
    assert api.post(f"/conversations/{cid}/read").status_code == 204
    assert api.get("/conversations/unread").json() == {"unread": 0}


def test_outsiders_and_moderators_get_404(member, mentor, moderator, outsider):
    cid = start(api_for(member), mentor.pk).json()["id"]
    for user in (moderator, outsider):
        api = api_for(user)
        assert api.get(f"/conversations/{cid}").status_code == 404
        response = api.get(f"/conversations/{cid}/messages")
        assert response.status_code == 404 and error_shape(response)["code"] == "not_found"
        assert api.post(f"/conversations/{cid}/messages", {"body": "x"}).status_code == 404


def test_a_stranger_cannot_be_written_to(member, outsider):
    response = start(api_for(member), outsider.pk)
    assert response.status_code == 403
    assert error_shape(response)["code"] == "not_contactable"


def test_too_many_participants_is_400(community, member):
    ids = [MembershipFactory(community=community).user.pk for _ in range(10)]
    response = start(api_for(member), *ids)
    body = error_shape(response)
    assert response.status_code == 400 and body["code"] == "too_many_participants"
    assert body["errors"][0]["field"] == "participants"


def test_an_overlong_message_is_400_with_the_field(member, mentor):
    response = start(api_for(member), mentor.pk, body="x" * 10_001)
    body = error_shape(response)
    assert response.status_code == 400 and body["errors"][0]["field"] == "body"


def test_unknown_fields_are_400(member, mentor):
    response = api_for(member).post(
        "/conversations", {"participants": [mentor.pk], "body": "x", "cc": 1}
    )
    assert response.status_code == 400 and error_shape(response)["code"] == "unknown_fields"


def test_first_contact_limit_is_429_with_retry_after(community, member):
    api = api_for(member)
    for _ in range(5):
        assert start(api, MembershipFactory(community=community).user.pk).status_code == 201
    response = start(api, MembershipFactory(community=community).user.pk)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert error_shape(response)["code"] == "first_contact_limit"
    assert Conversation.objects.count() == 5


def test_block_by_api_stops_messages(member, mentor):
    cid = start(api_for(member), mentor.pk).json()["id"]
    mentor_api = api_for(mentor)
    assert mentor_api.post("/blocks", {"user_id": member.pk}).status_code == 201
    assert mentor_api.post("/blocks", {"user_id": member.pk}).status_code == 409
    response = api_for(member).post(f"/conversations/{cid}/messages", {"body": "Again"})
    assert response.status_code == 403 and error_shape(response)["code"] == "blocked"
    assert mentor_api.get("/blocks").json()[0]["user"]["id"] == member.pk
    assert mentor_api.delete(f"/blocks/{member.pk}").status_code == 204
    assert not Block.objects.exists()


def test_mute_leave_and_report(member, mentor):
    conversation = actions.do_start_conversation(member, [mentor], first_message="Hi")
    api = api_for(mentor)
    cid = conversation.pk
    assert api.put(f"/conversations/{cid}/mute", {"muted": True}).status_code == 204
    assert api.get("/conversations/unread").json() == {"unread": 0}
    message_id = conversation.messages.get().pk
    response = api.post(f"/conversations/{cid}/reports", {"reason": "Spam", "message": message_id})
    assert response.status_code == 201 and Report.objects.get().message_id == message_id
    assert (
        api.post(f"/conversations/{cid}/reports", {"reason": "", "message": None}).status_code
        == 400
    )
    assert api.post(f"/conversations/{cid}/leave").status_code == 204
    assert api.get(f"/conversations/{cid}").status_code == 404


def test_list_queries_are_bounded(community, member, django_assert_max_num_queries):
    for _ in range(5):
        other = MembershipFactory(community=community).user
        actions.do_start_conversation(other, [member], first_message="Hi")
    api = api_for(member)
    with django_assert_max_num_queries(8):
        assert api.get("/conversations").json()["count"] == 5


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/conversations").status_code == 401
