"""/api/v1/notifications and /api/v1/notifications/preferences."""

import pytest

from koinon.api.tests.conftest import api_for
from koinon.discussions import actions as talk
from koinon.notifications.models import Channel, CommunityMute, DigestSubscription, Preference

pytestmark = pytest.mark.django_db


def error_shape(response):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


@pytest.fixture
def replies(commit, community, owner, member):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    for n in range(3):
        commit(talk.do_reply, member, topic, body=f"Reply {n}")
    return topic


def test_list_my_notifications(owner, replies):
    body = api_for(owner).get("/notifications").json()
    assert body["count"] == 3 and body["unread"] == 3
    item = body["items"][0]
    assert item["kind"] == "reply"
    assert item["text"] == "Mia replied in “Kick-off”"
    assert item["url"].startswith("http://testserver/c/pm/")
    assert item["community"] == "pm" and item["actor"] == "Mia" and item["read"] is False


def test_mark_one_then_all_read(owner, replies):
    api = api_for(owner)
    first = api.get("/notifications").json()["items"][0]
    response = api.post(f"/notifications/{first['id']}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    assert api.get("/notifications?unread=true").json()["count"] == 2
    assert api.post("/notifications/read-all").json() == {"marked": 2}
    assert api.get("/notifications").json()["unread"] == 0


def test_someone_elses_notification_is_404(owner, member, replies):
    notification_id = api_for(owner).get("/notifications").json()["items"][0]["id"]
    response = api_for(member).post(f"/notifications/{notification_id}/read")
    assert response.status_code == 404
    assert error_shape(response)["code"] == "not_found"


def test_the_api_needs_authentication():
    assert api_for(None).get("/notifications").status_code == 401


def test_preferences_show_defaults(member):
    body = api_for(member).get("/notifications/preferences").json()
    assert body["kinds"]["reply"] == "in_app"
    assert body["kinds"]["invitation"] == "email"
    assert body["daily_digest"] is False and body["weekly_digest"] is False
    assert "weekly" in body["channels"]


def test_put_preferences(member, community):
    response = api_for(member).put(
        "/notifications/preferences",
        {"kinds": {"mention": "daily"}, "weekly_digest": True, "muted_communities": ["pm"]},
    )
    assert response.status_code == 200
    assert response.json()["kinds"]["mention"] == "daily"
    assert response.json()["muted_communities"] == ["pm"]
    assert Preference.objects.get(user=member, kind="mention").channel == Channel.DAILY
    assert DigestSubscription.objects.get(user=member).weekly is True
    assert CommunityMute.objects.filter(user=member, community=community).exists()


def test_an_unknown_kind_is_400_and_nothing_is_saved(member):
    response = api_for(member).put(
        "/notifications/preferences", {"kinds": {"mention": "daily", "gossip": "email"}}
    )
    assert response.status_code == 400
    body = error_shape(response)
    assert body["code"] == "unknown_kind"
    assert body["errors"] == [
        {"field": "kinds.gossip", "message": "Unknown notification kind: gossip"}
    ]
    assert not Preference.objects.exists()


def test_an_unknown_channel_or_field_is_400(member):
    api = api_for(member)
    response = api.put("/notifications/preferences", {"kinds": {"reply": "pigeon"}})
    assert response.status_code == 400 and error_shape(response)["code"] == "invalid_channel"
    response = api.put("/notifications/preferences", {"sms": True})
    assert response.status_code == 400 and error_shape(response)["code"] == "unknown_fields"
    response = api.put("/notifications/preferences", raw="{nope")
    assert response.status_code == 400


def test_muting_a_community_one_is_not_in_is_400(outsider, community):
    response = api_for(outsider).put("/notifications/preferences", {"muted_communities": ["pm"]})
    assert response.status_code == 400
    assert error_shape(response)["code"] == "not_a_member"
    assert not CommunityMute.objects.exists()
