"""Trust levels: the rules, the figures they read, overrides, and new-member limits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koinon.discussions import actions
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.reputation import rules, trust
from koinon.reputation.models import TrustLevel

pytestmark = pytest.mark.django_db


def figures(**kw):
    base = {
        "joined_for": timedelta(0),
        "topics_entered": 0,
        "posts_read": 0,
        "posts_written": 0,
        "reputation": 0,
    }
    return {**base, **kw}


TL1 = {"joined_for": timedelta(minutes=11), "topics_entered": 5, "posts_read": 30}
TL2 = {
    **TL1,
    "joined_for": timedelta(days=16),
    "topics_entered": 20,
    "posts_read": 100,
    "posts_written": 3,
    "reputation": 5,
}


@pytest.mark.parametrize(
    "stats,level",
    [
        (figures(), 0),
        (figures(**{**TL1, "posts_read": 29}), 0),
        (figures(**{**TL1, "joined_for": timedelta(minutes=5)}), 0),
        (figures(**TL1), 1),
        (figures(**{**TL2, "reputation": 0}), 1),
        (figures(**TL2), 2),
        (
            figures(
                joined_for=timedelta(days=60),
                topics_entered=200,
                posts_read=500,
                posts_written=10,
                reputation=100,
            ),
            3,
        ),
        (
            figures(
                joined_for=timedelta(days=365),
                topics_entered=600,
                posts_read=3000,
                posts_written=150,
                reputation=2000,
            ),
            4,
        ),
        # A level needs the levels below it too: lots of reputation, nothing read.
        (figures(joined_for=timedelta(days=365), reputation=5000, posts_written=500), 0),
    ],
)
def test_the_rules(stats, level):
    assert rules.level_for(stats) == level


def test_settings_override_the_rules(settings):
    settings.REPUTATION_TRUST_LEVELS = {1: {"topics_entered": 1, "posts_read": 1}, 4: None}
    assert rules.level_for(figures(joined_for=timedelta(hours=1), topics_entered=1, posts_read=1))
    huge = figures(
        joined_for=timedelta(days=999),
        topics_entered=9999,
        posts_read=99999,
        posts_written=9999,
        reputation=99999,
    )
    assert rules.level_for(huge) == 3  # level 4 only by hand


def test_reading_is_counted_from_read_marks(community, member, mentor):
    topic = make_topic(mentor, community)
    first = make_reply(mentor, topic, body="one")
    make_reply(mentor, topic, body="two")
    other = make_topic(mentor, community, title="Unread")
    actions.do_mark_read(member, topic, first.created_at)
    stats = trust.stats_for([member.pk])[member.pk]
    assert stats["topics_entered"] == 1
    assert stats["posts_read"] == 2  # the opening post and the first reply
    actions.do_mark_read(member, topic, timezone.now())
    actions.do_mark_read(member, other, timezone.now())
    stats = trust.stats_for([member.pk])[member.pk]
    assert stats["topics_entered"] == 2 and stats["posts_read"] == 4
    assert trust.stats_for([mentor.pk])[mentor.pk]["posts_written"] == 4


def test_earning_reputation_refreshes_the_level(settings, community, member, mentor):
    settings.REPUTATION_TRUST_LEVELS = {
        1: {"joined_for": timedelta(0), "topics_entered": 0, "posts_read": 0, "reputation": 5}
    }
    reply = make_reply(mentor, make_topic(member, community))
    assert trust.level_of(mentor, fresh=True) == 0
    actions.do_add_reaction(member, reply, "helpful")
    row = TrustLevel.objects.get(user=mentor)
    assert row.level == 1 and row.reputation == 5


def test_staff_can_set_a_level(member):
    trust.refresh([member.pk])
    TrustLevel.objects.filter(user=member).update(override=3)
    assert trust.level_of(member) == 3
    assert trust.level_of(member, fresh=True) == 3  # recomputing keeps the override


def test_a_stale_level_is_recomputed(member):
    trust.refresh([member.pk])
    TrustLevel.objects.filter(user=member).update(
        computed=4, computed_at=timezone.now() - timedelta(days=2)
    )
    assert trust.level_of(member) == 0


def test_the_command_sets_every_level(member, mentor):
    from koinon.reputation.tests.helpers import recompute

    recompute()
    assert set(TrustLevel.objects.values_list("user_id", flat=True)) >= {member.pk, mentor.pk}


def test_trust_level_1_lifts_the_new_member_limits(client, settings, community, member, mentor):
    settings.REPUTATION_TRUST_LEVELS = {
        1: {"joined_for": timedelta(0), "topics_entered": 2, "posts_read": 1}
    }
    topic = make_topic(mentor, community)
    other = make_topic(mentor, community, title="Another topic")
    client.force_login(member)
    url = reverse("topic-reply", args=["pm", topic.pk])
    assert client.post(url, {"body": "First."}).status_code == 302
    assert client.post(url, {"body": "Second."}).status_code == 429  # TL0: 30 s apart
    actions.do_mark_read(member, other, timezone.now())  # two topics read: TL1
    response = client.post(
        url, {"body": "[a](https://a.example) [b](https://b.example) [c](https://c.example)"}
    )
    assert response.status_code == 302
    assert TrustLevel.objects.get(user=member).level == 1


def test_writing_refreshes_a_stale_level(community, member, mentor):
    trust.refresh([member.pk])
    TrustLevel.objects.filter(user=member).update(
        computed=4, computed_at=timezone.now() - timedelta(days=2)
    )
    make_reply(member, make_topic(mentor, community))
    row = TrustLevel.objects.get(user=member)
    assert row.computed == 0 and row.posts_written == 1


def test_export_and_erase(community, member, mentor):
    from koinon.reputation import personal_data

    reply = make_reply(mentor, make_topic(member, community, tags="scrum"))
    actions.do_add_reaction(member, reply, "helpful")
    exported = personal_data.export(mentor)
    assert {"community": "pm", "tag": "scrum", "points": 5} in exported["scores"]
    assert exported["events"][0]["source"] == "helpful"
    personal_data.erase(mentor)
    assert personal_data.export(mentor)["scores"] == []
