"""New members' limits: answered with 429 and when to retry, or 400 for links."""

from datetime import timedelta

import pytest
from django.urls import reverse

from koinon.discussions.models import Post, Topic
from koinon.discussions.tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def reply(client, topic, body="Another thought.", **extra):
    return client.post(reverse("topic-reply", args=["pm", topic.pk]), {"body": body}, **extra)


def new_topic(client, title="A topic", body="Text"):
    data = {"title": title, "kind": "discussion", "body": body}
    return client.post(reverse("topic-create", args=["pm"]), data)


def age(user, **delta):
    user.date_joined -= timedelta(**delta)
    user.save()


def test_new_member_waits_30_seconds_between_posts(client, community, member, mentor):
    topic = make_topic(mentor, community)
    client.force_login(member)
    assert reply(client, topic).status_code == 302
    response = reply(client, topic, **HTMX)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 30
    assert "once every 30 seconds" in response.content.decode()
    assert Post.objects.filter(author=member).count() == 1


def test_the_wait_is_over_after_30_seconds(client, community, member, mentor):
    topic = make_topic(mentor, community)
    make_reply(member, topic)
    Post.objects.filter(author=member).update(
        created_at=Post.objects.get(author=member).created_at - timedelta(seconds=31)
    )
    client.force_login(member)
    assert reply(client, topic).status_code == 302


def test_new_member_starts_three_topics_on_the_first_day(client, community, member):
    for n in range(3):
        make_topic(member, community, title=f"Topic {n}")
    Post.objects.update(created_at=Post.objects.first().created_at - timedelta(minutes=5))
    client.force_login(member)
    response = new_topic(client)
    assert response.status_code == 429 and int(response["Retry-After"]) > 3600
    assert "3 topics on their first day" in response.content.decode()
    assert Topic.objects.count() == 3


def test_new_member_writes_ten_replies_on_the_first_day(
    client, community, member, mentor, settings
):
    settings.DISCUSSIONS_NEW_MEMBER_LIMITS = {"post_interval": timedelta(0)}
    topic = make_topic(mentor, community)
    for n in range(10):
        make_reply(member, topic, body=f"reply {n}")
    client.force_login(member)
    assert reply(client, topic).status_code == 429


def test_new_member_may_link_twice_per_post(client, community, member, mentor):
    topic = make_topic(mentor, community)
    client.force_login(member)
    body = "[a](https://a.example) [b](https://b.example) ![c](https://c.example/x.png)"
    response = reply(client, topic, body=body)
    assert response.status_code == 400 and "at most 2 links" in response.content.decode()
    assert (
        reply(client, topic, body="[a](https://a.example) [b](https://b.example)").status_code
        == 302
    )


def test_a_day_old_account_has_no_limits(client, community, member, mentor):
    age(member, days=1, minutes=1)
    topic = make_topic(mentor, community)
    client.force_login(member)
    for n in range(3):
        assert reply(client, topic, body=f"[{n}](https://x.example) " * 3).status_code == 302


def test_moderators_are_exempt(client, community, moderator):
    for n in range(4):
        make_topic(moderator, community, title=f"Topic {n}")
    client.force_login(moderator)
    assert new_topic(client).status_code == 302


def test_an_empty_post_is_a_400_not_a_429(client, community, member, mentor):
    topic = make_topic(mentor, community)
    make_reply(member, topic)
    client.force_login(member)
    assert reply(client, topic, body=" ").status_code == 400


def test_the_api_answers_429_with_retry_after(client, community, member, mentor):
    import json

    from koinon.accounts.models import ApiToken, TokenScope

    topic = make_topic(mentor, community)
    make_reply(member, topic)
    _token, raw = ApiToken.issue(member, name="t", scope=TokenScope.WRITE)
    response = client.post(
        f"/api/v1/topics/{topic.pk}/posts",
        json.dumps({"body": "again"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "rate_limited"
    assert "once every 30 seconds" in response.json()["detail"]


def test_trust_level_1_lifts_the_limits_on_the_first_day(client, community, member, mentor):
    from koinon.reputation.models import TrustLevel
    from koinon.reputation.trust import refresh

    topic = make_topic(mentor, community)
    make_reply(member, topic)
    refresh([member.pk])
    TrustLevel.objects.filter(user=member).update(override=1)  # earned or set by staff
    client.force_login(member)
    assert reply(client, topic).status_code == 302
