"""Digests: opt-in, what the reader may see, in their language, once per person and period."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from koinon.accounts.models import ProfileSkill
from koinon.accounts.tests.factories import SkillFactory, UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.core.activity import log_activity
from koinon.discussions import actions as talk
from koinon.discussions.models import TopicKind
from koinon.events.tests.factories import EventFactory
from koinon.notifications import digests
from koinon.notifications.models import (
    Channel,
    DigestDelivery,
    DigestSubscription,
    Preference,
)


def tomorrow():
    """Read at each use: a constant taken at import went stale when a run crossed midnight."""
    return timezone.localdate() + timedelta(days=1)  # its daily digest covers today


def send(period="daily"):
    return digests.send_digests(period, today=tomorrow())


def subscribe(user, **periods):
    DigestSubscription.objects.update_or_create(user=user, defaults=periods or {"daily": True})


def digest_mails(user):
    return [m for m in mail.outbox if m.to == [user.email] and "digest" in m.subject]


def test_nobody_gets_a_digest_without_asking(community, owner, member):
    talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    assert send() == 0
    assert mail.outbox == []


def test_the_daily_digest_lists_news_from_my_communities_only(community, owner, member):
    subscribe(member)
    talk.do_create_topic(owner, community, title="Kick-off plan", body="How?")
    elsewhere = CommunityFactory(visibility=Visibility.SECRET, name="Hidden circle")
    stranger = UserFactory()
    MembershipFactory(community=elsewhere, user=stranger)
    talk.do_create_topic(stranger, elsewhere, title="Hidden plans", body="Shh")
    assert send() == 1
    [message] = digest_mails(member)
    assert "Kick-off plan" in message.body
    assert "Hidden" not in message.body
    assert "New in Project Managers" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Kick-off plan" in message.alternatives[0][0]


def test_a_digest_never_names_an_anonymous_author_or_shows_private_entries(
    community, owner, member
):
    community.allow_anonymous = True
    community.save()
    subscribe(owner)
    talk.do_create_topic(member, community, title="Burn-out", body="Help", is_anonymous=True)
    log_activity(member, "topic.created", community=community, is_private=True)
    send()
    [message] = digest_mails(owner)
    assert "Burn-out" in message.body
    assert "Mia" not in message.body and "mia@" not in message.body


def test_a_digest_is_in_the_readers_language(community, owner):
    reader = UserFactory(language="it")
    MembershipFactory(community=community, user=reader)
    subscribe(reader)
    talk.do_create_topic(owner, community, title="Avvio", body="Come?")
    send()
    [message] = [m for m in mail.outbox if m.to == [reader.email]]
    assert message.subject == "[Koinon] Il tuo riepilogo giornaliero"
    assert "Novità in Project Managers" in message.body


def test_running_twice_sends_each_digest_once(community, owner, member, mentor):
    subscribe(member)
    subscribe(mentor)
    talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    assert send() == 2
    assert send() == 0
    assert len(digest_mails(member)) == 1 and len(digest_mails(mentor)) == 1
    assert DigestDelivery.objects.filter(period="daily").count() == 2


def test_a_crash_halfway_then_a_rerun_never_sends_twice(community, owner):
    readers = [UserFactory() for _ in range(4)]
    for reader in readers:
        MembershipFactory(community=community, user=reader)
        subscribe(reader)
    talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    from koinon.notifications import mail as notification_mail

    calls = {"n": 0}
    original = notification_mail.send_mail_to

    def crash_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("SMTP went away")
        return original(*args, **kwargs)

    with (
        mock.patch.object(notification_mail, "send_mail_to", crash_on_second),
        pytest.raises(ConnectionError),
    ):
        send()
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.count() == 2  # the second was claimed before the crash
    send()  # the rerun
    for reader in readers:
        assert len(digest_mails(reader)) <= 1
    assert len(mail.outbox) == 3  # the first, then the two never claimed; none twice
    assert DigestDelivery.objects.count() == 4


def test_the_claim_is_a_database_constraint(member):
    start, _b, _e = digests.period_bounds("daily", tomorrow())
    assert digests.claim(member, "daily", start) is not None
    assert digests.claim(member, "daily", start) is None
    assert digests.claim(member, "weekly", start) is not None


def test_kinds_sent_in_the_digest_appear_there(commit, community, owner, member):
    Preference.objects.create(user=owner, kind="reply", channel=Channel.DAILY)
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    commit(talk.do_reply, member, topic, body="Charter.")
    assert send() == 1
    [message] = digest_mails(owner)
    assert "For you" in message.body
    assert "Mia replied in “Kick-off”" in message.body
    assert "New in" not in message.body  # the community digest was not chosen


def test_questions_i_could_answer_by_skill_and_upcoming_events(community, owner, member):
    subscribe(member)
    ProfileSkill.objects.create(user=member, skill=SkillFactory(name="Scrum"), level=4)
    talk.do_create_topic(
        owner, community, title="Scrum retrospectives?", body="How?", kind=TopicKind.QUESTION
    )
    answered = talk.do_create_topic(
        owner, community, title="Scrum board?", body="Which?", kind=TopicKind.QUESTION
    )
    talk.do_reply(member, answered, body="Trello.")
    EventFactory(
        community=community, title="Scrum meetup", starts_at=timezone.now() + timedelta(days=2)
    )
    digest = digests.build_digest(member, "daily", *digests.period_bounds("daily", tomorrow())[1:])
    assert [q[0] for q in digest.questions] == ["Scrum retrospectives?"]
    assert [e[0] for e in digest.events] == ["Scrum meetup"]


def test_a_muted_community_is_left_out_of_the_digest(community, owner, member):
    from koinon.notifications.models import CommunityMute

    subscribe(member)
    CommunityMute.objects.create(user=member, community=community)
    talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    assert send() == 0


def test_the_weekly_digest_covers_last_week():
    start, begins, ends = digests.period_bounds("weekly", timezone.localdate())
    assert start.weekday() == 0
    assert (ends - begins).days == 7
    assert ends.date() <= timezone.localdate()


def test_the_command_sends_the_digests(community, owner, member, capsys):
    subscribe(member, weekly=True)
    call_command("send_digests", "--period", "weekly")
    assert "digest(s) sent" in capsys.readouterr().out


def test_a_digest_drops_lines_the_reader_can_no_longer_see(commit, community, owner, member):
    from koinon.communities.models import Membership

    community.visibility = Visibility.PRIVATE
    community.save()
    Preference.objects.create(user=owner, kind="reply", channel=Channel.DAILY)
    topic = talk.do_create_topic(owner, community, title="Budget", body="Numbers?")
    commit(talk.do_reply, member, topic, body="Here.")
    Membership.objects.filter(user=owner).delete()  # she left before the digest went out
    assert send() == 0
    assert digest_mails(owner) == []


def test_the_background_task_sends_the_digests(community, owner, member):
    from koinon.notifications.tasks import send_digests_task

    subscribe(member, weekly=True)
    result = send_digests_task.enqueue("weekly")
    assert result.status == "SUCCESSFUL"
    assert DigestDelivery.objects.filter(user=member, period="weekly").count() == 1
