"""Subscriptions (watch, normal, mute), unread marks, and pages that keep your place."""

from datetime import timedelta

import pytest
from django.urls import reverse

from koinon.discussions import actions, views
from koinon.discussions.models import Post, TopicState
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.lib.errors import ActionError, Forbidden

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def marks(client):
    text = client.get(reverse("topic-list", args=["pm"])).content.decode()
    return text


def test_writing_in_a_topic_watches_it(community, member, mentor):
    topic = make_topic(member, community)
    make_reply(mentor, topic)
    assert TopicState.objects.get(user=member, topic=topic).level == "watch"
    assert TopicState.objects.get(user=mentor, topic=topic).level == "watch"


def test_a_muted_topic_stays_muted_after_replying(community, member, mentor):
    topic = make_topic(member, community)
    actions.do_set_subscription(mentor, topic, "mute")
    make_reply(mentor, topic)
    assert TopicState.objects.get(user=mentor, topic=topic).level == "mute"


def test_subscription_level_is_checked(community, member, outsider):
    from koinon.communities.models import Visibility
    from koinon.communities.tests.factories import CommunityFactory, MembershipFactory

    topic = make_topic(member, community)
    with pytest.raises(ActionError):
        actions.do_set_subscription(member, topic, "loud")
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    with pytest.raises(Forbidden):
        actions.do_set_subscription(outsider, make_topic(member, club), "watch")


def test_subscribe_by_htmx(client, community, member, mentor):
    topic = make_topic(mentor, community)
    client.force_login(member)
    url = reverse("topic-subscription", args=["pm", topic.pk])
    response = client.post(url, {"level": "watch"}, **HTMX)
    assert response.status_code == 200 and "Saved." in response.content.decode()
    assert TopicState.objects.get(user=member, topic=topic).level == "watch"
    assert client.post(url, {"level": "nope"}, **HTMX).status_code == 400


def test_reading_marks_the_topic_read_and_never_backwards(community, member, mentor):
    topic = make_topic(mentor, community)
    later = topic.created_at + timedelta(hours=1)
    actions.do_mark_read(member, topic, later)
    actions.do_mark_read(member, topic, topic.created_at)
    assert TopicState.objects.get(user=member, topic=topic).last_read_at == later


def test_topic_list_marks_new_and_unread(client, community, member, mentor):
    seen = make_topic(mentor, community, title="Seen topic")
    make_topic(mentor, community, title="Fresh topic")
    client.force_login(member)
    client.get(seen.get_absolute_url())
    text = marks(client)
    fresh = text[text.index("Fresh topic") :]
    fresh = fresh[: fresh.index("</li>")]
    seen_item = text[text.index("Seen topic") :]
    seen_item = seen_item[: seen_item.index("</li>")]
    assert "New</span>" in fresh and "New" not in seen_item
    make_reply(mentor, seen, body="news")
    text = marks(client)
    seen_item = text[text.index("Seen topic") :]
    assert "New replies" in seen_item[: seen_item.index("</li>")]


def test_muted_topics_show_no_marks(client, community, member, mentor):
    topic = make_topic(mentor, community, title="Noisy topic")
    actions.do_set_subscription(member, topic, "mute")
    actions.do_mark_read(member, topic, topic.created_at)
    make_reply(mentor, topic)
    client.force_login(member)
    item = marks(client)
    item = item[item.index("Noisy topic") :]
    item = item[: item.index("</li>")]
    assert "Muted" in item and "New" not in item


def test_new_posts_since_the_last_visit_are_marked(client, community, member, mentor):
    topic = make_topic(mentor, community)
    make_reply(mentor, topic, body="old news")
    client.force_login(member)
    client.get(topic.get_absolute_url())
    Post.objects.update(created_at=topic.created_at - timedelta(minutes=5))
    TopicState.objects.filter(user=member).update(
        last_read_at=topic.created_at - timedelta(minutes=1)
    )
    make_reply(mentor, topic, body="fresh news")
    text = client.get(topic.get_absolute_url()).content.decode()
    assert (
        text.index("old news") < text.index("New since your last visit") < text.index("fresh news")
    )
    text = client.get(topic.get_absolute_url()).content.decode()
    assert "New since your last visit" not in text


def test_a_discussion_opens_at_the_first_unread_page(
    client, community, member, mentor, monkeypatch
):
    monkeypatch.setattr(views, "POSTS_PER_PAGE", 3)
    topic = make_topic(mentor, community)
    for n in range(7):
        make_reply(mentor, topic, body=f"reply number {n}")
    client.force_login(member)
    response = client.get(topic.get_absolute_url() + "?page=2")
    assert "reply number 5" in response.content.decode()
    # Read up to reply 5: the next visit opens on page 3, where reply 6 is.
    text = client.get(topic.get_absolute_url()).content.decode()
    assert "reply number 6" in text and "reply number 5" not in text


def test_visitors_get_no_state(client, community, member):
    topic = make_topic(member, community)
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert TopicState.objects.filter(topic=topic).count() == 1  # the author's own


def test_viewing_a_topic_already_read_writes_nothing(client, community, member, mentor):
    """A page view that brings nothing new takes no write lock (readers never queue)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    topic = make_topic(mentor, community)
    client.force_login(member)
    client.get(topic.get_absolute_url())
    assert TopicState.objects.get(user=member, topic=topic).last_read_at is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get(topic.get_absolute_url()).status_code == 200
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in ("UPDATE", "INSERT", "DELETE")
    ]
    assert writes == []
    reply = make_reply(mentor, topic)
    client.get(topic.get_absolute_url())
    assert TopicState.objects.get(user=member, topic=topic).last_read_at == reply.created_at
