"""Fan-out from the activity log: who hears about what, once, and never about what they
may not see."""

from django.core import mail

from koinon.accounts.tests.factories import UserFactory
from koinon.communities import actions as community_actions
from koinon.communities.models import Membership, Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.activity import log_activity
from koinon.discussions import actions as talk
from koinon.discussions.models import TopicKind
from koinon.events import actions as event_actions
from koinon.events.tests.factories import EventFactory
from koinon.mentoring import actions as mentoring_actions
from koinon.mentoring.tests.factories import make_offer
from koinon.messaging import actions as messaging_actions
from koinon.notifications.fanout import fan_out
from koinon.notifications.kinds import sentence
from koinon.notifications.models import Channel, CommunityMute, Notification, Preference


def kinds_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_reply_notifies_the_topic_author_and_not_the_replier(commit, community, owner, member):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How do you start?")
    commit(talk.do_reply, member, topic, body="With a charter.")
    assert kinds_of(owner) == ["reply"]
    assert kinds_of(member) == []
    notification = Notification.objects.get(recipient=owner)
    assert sentence(notification) == "Mia replied in “Kick-off”"
    assert notification.url.startswith("/c/pm/")
    assert notification.community == community


def test_fan_out_twice_creates_nothing_twice(commit, community, owner, member):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How do you start?")
    commit(talk.do_reply, member, topic, body="With a charter.")
    entry = Notification.objects.get().entry
    fan_out(entry.pk)
    fan_out(entry.pk)
    assert Notification.objects.count() == 1


def test_an_answer_to_a_question_is_an_answer_not_a_reply(commit, community, owner, member):
    topic = talk.do_create_topic(
        owner, community, title="Which tool?", body="For Gantt charts?", kind=TopicKind.QUESTION
    )
    post = commit(talk.do_reply, member, topic, body="A spreadsheet.")
    assert kinds_of(owner) == ["answer"]
    commit(talk.do_accept_answer, owner, post)
    assert kinds_of(member) == ["answer_accepted"]


def test_an_anonymous_reply_never_names_its_author(commit, community, owner, member):
    community.allow_anonymous = True
    community.save()
    topic = talk.do_create_topic(owner, community, title="Burn-out", body="Anyone?")
    commit(talk.do_reply, member, topic, body="Me too.", is_anonymous=True)
    notification = Notification.objects.get(recipient=owner)
    assert notification.actor_name == ""
    assert "Mia" not in sentence(notification)
    assert sentence(notification) == "Someone replied in “Burn-out”"


def test_watchers_hear_about_replies_and_muted_topics_stay_silent(
    commit, community, owner, member, mentor
):
    topic = talk.do_create_topic(owner, community, title="Risks", body="List them")
    talk.do_set_subscription(mentor, topic, "watch")
    talk.do_set_subscription(owner, topic, "mute")
    commit(talk.do_reply, member, topic, body="Scope creep.")
    assert kinds_of(mentor) == ["reply"]
    assert kinds_of(owner) == []


def test_nobody_hears_about_content_they_can_no_longer_see(commit, community, owner, member):
    community.visibility = Visibility.PRIVATE
    community.save()
    topic = talk.do_create_topic(member, community, title="Budget", body="Secret numbers")
    talk.do_set_subscription(owner, topic, "watch")
    Membership.objects.filter(user=member).delete()  # the author has since left
    commit(talk.do_reply, owner, topic, body="Here they are.")
    assert Notification.objects.count() == 0


def test_secret_community_event_changes_reach_only_current_members(commit, community, moderator):
    community.visibility = Visibility.SECRET
    community.save()
    stays, gone = UserFactory(), UserFactory()
    for person in (stays, gone):
        MembershipFactory(community=community, user=person)
    event = EventFactory(community=community, capacity=10)
    for person in (stays, gone):
        event_actions.do_register(person, event)
    Membership.objects.filter(user=gone).delete()
    commit(event_actions.do_update_event, moderator, event, title="Moved to Friday")
    assert kinds_of(stays) == ["event_changed"]
    assert kinds_of(gone) == []


def test_a_kind_switched_off_or_a_muted_community_creates_nothing(
    commit, community, owner, member, mentor
):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    talk.do_set_subscription(mentor, topic, "watch")
    Preference.objects.create(user=owner, kind="reply", channel=Channel.OFF)
    CommunityMute.objects.create(user=mentor, community=community)
    commit(talk.do_reply, member, topic, body="Charter.")
    assert Notification.objects.count() == 0


def test_join_requests_go_to_moderators_and_owners_only(
    commit, community, owner, moderator, member
):
    community.join_policy = "request"
    community.visibility = Visibility.PRIVATE
    community.save()
    asker = UserFactory()
    commit(community_actions.do_request_to_join, asker, community, message="Hi")
    assert kinds_of(owner) == ["join_request"]
    assert kinds_of(moderator) == ["join_request"]
    assert kinds_of(member) == []
    assert kinds_of(asker) == []


def test_a_join_decision_is_mailed_at_once_in_the_readers_language(commit, community, owner):
    community.join_policy = "request"
    community.save()
    asker = UserFactory(language="it")
    request = commit(community_actions.do_request_to_join, asker, community, message="Ciao")
    mail.outbox.clear()
    commit(community_actions.do_decide_join_request, owner, request, approve=True)
    assert kinds_of(asker) == ["join_decision"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [asker.email]
    assert "Project Managers" in message.subject
    assert "è stata accettata" in message.body  # Italian
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0][1] == "text/html"
    # A second fan-out of the same entry sends nothing more.
    fan_out(Notification.objects.get(recipient=asker).entry_id)
    assert len(mail.outbox) == 1


def test_an_invitation_to_an_existing_account_notifies_without_a_second_mail(
    commit, community, owner
):
    invitee = UserFactory(email="ines@example.org")
    commit(community_actions.do_invite, owner, community, email="INES@example.org")
    assert kinds_of(invitee) == ["invitation"]
    assert len(mail.outbox) == 1  # the communities app's own invitation e-mail only


def test_a_wait_list_promotion_is_logged_and_notified(commit, community, member, mentor):
    event = EventFactory(community=community, capacity=1)
    event_actions.do_register(member, event)
    event_actions.do_register(mentor, event)
    commit(event_actions.do_cancel_registration, member, event)
    assert kinds_of(mentor) == ["waitlist_promoted"]
    assert kinds_of(member) == []


def test_a_reminder_sent_reaches_the_bell_of_that_person_only(commit, community, member, mentor):
    from datetime import timedelta

    from django.utils import timezone

    from koinon.events.reminders import send_due_reminders

    soon = timezone.now() + timedelta(minutes=50)
    event = EventFactory(community=community, starts_at=soon, ends_at=soon + timedelta(hours=1))
    event_actions.do_register(member, event)
    assert commit(send_due_reminders) >= 1
    assert kinds_of(member) == ["event_reminder"]
    assert kinds_of(mentor) == []
    assert commit(send_due_reminders) == 0  # sent once, noticed once
    assert kinds_of(member) == ["event_reminder"]
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1  # no second e-mail


def test_mentoring_requests_and_replies_reach_the_other_party(commit, community, mentor, member):
    offer = make_offer(mentor, capacity=1)
    mentorship = commit(mentoring_actions.do_ask_mentor, member, offer, message="Please")
    assert kinds_of(mentor) == ["mentoring_request"]
    commit(mentoring_actions.do_accept_mentorship, mentor, mentorship)
    assert kinds_of(member) == ["mentoring_reply"]
    reply = Notification.objects.get(recipient=member)
    assert sentence(reply) == "Martina agreed to be your mentor"


def test_a_new_conversation_notifies_its_participants(commit, community, member, mentor):
    commit(messaging_actions.do_start_conversation, member, [mentor], first_message="Hello")
    assert kinds_of(mentor) == ["message"]
    assert kinds_of(member) == []


def test_a_private_entry_reaches_nobody_but_explicit_recipients(commit, community, owner, member):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    post = talk.do_reply(member, topic, body="Charter.")
    Notification.objects.all().delete()
    commit(log_activity, member, "post.created", community=community, target=post, is_private=True)
    assert Notification.objects.count() == 0


def test_mentions_logged_by_discussions_reach_readers_only(commit, community, owner, member):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    post = talk.do_reply(member, topic, body="@olivia @otto")
    outsider = UserFactory()
    community.visibility = Visibility.PRIVATE
    community.save()
    Notification.objects.all().delete()
    commit(
        log_activity,
        member,
        "post.mentioned",
        community=community,
        target=post,
        mentioned=[owner.pk, outsider.pk, member.pk],
    )
    assert kinds_of(owner) == ["mention"]
    assert kinds_of(outsider) == []
    assert kinds_of(member) == []
