"""New-message notifications: the other participants hear of a message, never its text."""

from django.core import mail

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.messaging import actions as messaging
from koinon.messaging.models import Block, Participant
from koinon.notifications.models import Channel, Notification, Preference

SECRET = "my private worry about the budget"


def new_message_notes(user):
    return Notification.objects.filter(recipient=user, kind="new_message")


def start(commit, author, people, subject="Planning"):
    return commit(
        messaging.do_start_conversation, author, people, subject=subject, first_message="Hi"
    )


def test_a_message_notifies_the_other_participants_not_the_author(
    commit, community, member, mentor, owner
):
    chat = start(commit, member, [mentor, owner])
    commit(messaging.do_send_message, mentor, chat, SECRET)
    assert new_message_notes(member).count() == 1
    assert new_message_notes(owner).count() == 1
    assert new_message_notes(mentor).count() == 0
    note = new_message_notes(member).get()
    assert note.url == chat.get_absolute_url()
    assert note.community is None


def test_the_log_and_the_notification_never_hold_the_text(commit, community, member, mentor):
    chat = start(commit, member, [mentor])
    commit(messaging.do_send_message, mentor, chat, SECRET)
    entry = ActivityEntry.objects.get(verb="messaging.message_sent")
    assert entry.is_private is True
    assert SECRET not in str(entry.data)
    note = new_message_notes(member).get()
    assert SECRET not in f"{note.subject} {note.actor_name} {note.url}"


def test_muted_and_departed_participants_hear_nothing(commit, community, member, mentor, owner):
    chat = start(commit, member, [mentor, owner])
    messaging.do_mute_conversation(owner, chat)
    commit(messaging.do_send_message, mentor, chat, "One")
    assert new_message_notes(owner).count() == 0
    Participant.objects.filter(conversation=chat, user=member).update(left_at=chat.created_at)
    commit(messaging.do_send_message, mentor, chat, "Two")
    assert new_message_notes(member).count() == 1  # only the first message, before leaving


def test_nobody_who_blocked_the_sender_is_notified(commit, community, member, mentor, owner):
    from koinon.core.activity import log_activity

    chat = start(commit, member, [mentor, owner])
    Block.objects.create(blocker=owner, blocked=mentor)
    # Sending is refused once there is a block; the fan-out checks again all the same.
    commit(log_activity, mentor, "messaging.message_sent", target=chat, is_private=True)
    assert new_message_notes(owner).count() == 0
    assert new_message_notes(member).count() == 1


def test_unread_notification_is_not_repeated_for_each_message(commit, community, member, mentor):
    chat = start(commit, member, [mentor])
    for text in ("One", "Two", "Three"):
        commit(messaging.do_send_message, mentor, chat, text)
    assert new_message_notes(member).count() == 1
    new_message_notes(member).update(read_at=chat.created_at)
    commit(messaging.do_send_message, mentor, chat, "Four")
    assert new_message_notes(member).count() == 2


def test_nobody_outside_the_conversation_hears_of_it(commit, community, member, mentor, owner):
    stranger = UserFactory()
    MembershipFactory(community=community, user=stranger)
    chat = start(commit, member, [mentor])
    commit(messaging.do_send_message, mentor, chat, SECRET)
    assert Notification.objects.filter(recipient__in=[owner, stranger]).count() == 0


def test_e_mail_at_once_says_who_wrote_not_what(commit, community, member, mentor):
    Preference.objects.create(user=member, kind="new_message", channel=Channel.EMAIL)
    chat = start(commit, member, [mentor])
    mail.outbox.clear()
    commit(messaging.do_send_message, mentor, chat, SECRET)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Martina" in message.body
    assert SECRET not in message.body
    assert SECRET not in message.alternatives[0][0]


def test_the_kind_can_be_switched_off(commit, community, member, mentor):
    Preference.objects.create(user=member, kind="new_message", channel=Channel.OFF)
    chat = start(commit, member, [mentor])
    commit(messaging.do_send_message, mentor, chat, "Hi")
    assert new_message_notes(member).count() == 0
