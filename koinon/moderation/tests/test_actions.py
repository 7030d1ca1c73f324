from datetime import timedelta

import pytest
from django.utils import timezone

from koinon.communities.policy import access_for
from koinon.core.models import ActivityEntry
from koinon.discussions import actions as discussions
from koinon.discussions.models import Post, Topic
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.moderation import actions
from koinon.moderation.models import Block, Flag

pytestmark = pytest.mark.django_db


def test_a_member_flags_a_post(reply, member):
    flag = actions.do_flag_post(member, reply, reason="spam")
    assert flag.is_open and flag.community == reply.topic.community
    reply.refresh_from_db()
    assert not reply.is_hidden
    entry = ActivityEntry.objects.get(verb="post.flagged")
    assert entry.is_private


def test_flagging_twice_is_a_conflict(reply, member):
    actions.do_flag_post(member, reply, reason="spam")
    with pytest.raises(Conflict) as error:
        actions.do_flag_post(member, reply, reason="off_topic")
    assert error.value.code == "already_flagged"
    assert Flag.objects.count() == 1


def test_one_open_flag_per_person_is_a_database_constraint(reply, member):
    from django.db import IntegrityError, transaction

    Flag.objects.create(post=reply, community=reply.topic.community, user=member, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(post=reply, community=reply.topic.community, user=member, reason="spam")


def test_you_cannot_flag_your_own_post(reply, mentor):
    with pytest.raises(Forbidden) as error:
        actions.do_flag_post(mentor, reply, reason="spam")
    assert error.value.code == "own_post"


def test_outsiders_cannot_flag(reply, outsider):
    with pytest.raises(Forbidden):
        actions.do_flag_post(outsider, reply, reason="spam")


@pytest.mark.parametrize(
    "reason, text, field",
    [("nonsense", "", "reason"), ("other", "", "text"), ("spam", "x" * 501, "text")],
)
def test_bad_flags_are_refused(reply, member, reason, text, field):
    with pytest.raises(ActionError) as error:
        actions.do_flag_post(member, reply, reason=reason, text=text)
    assert error.value.status == 400 and error.value.field == field


def test_three_flags_hide_the_post_until_reviewed(reply, flaggers):
    actions.do_flag_post(flaggers[0], reply, reason="spam")
    actions.do_flag_post(flaggers[1], reply, reason="inappropriate")
    reply.refresh_from_db()
    assert not reply.is_hidden
    actions.do_flag_post(flaggers[2], reply, reason="other", text="Advert")
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_by is None
    entry = ActivityEntry.objects.get(verb="moderation.post_hidden")
    assert entry.is_private and entry.actor is None and entry.data["automatic"]


def test_the_threshold_is_a_setting(reply, member, settings):
    settings.MODERATION_FLAGS_TO_HIDE = 1
    actions.do_flag_post(member, reply, reason="spam")
    reply.refresh_from_db()
    assert reply.is_hidden


def test_a_moderator_flag_hides_at_once(reply, moderator):
    actions.do_flag_post(moderator, reply, reason="inappropriate", text="Insults")
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_by == moderator
    entry = ActivityEntry.objects.get(verb="moderation.post_hidden")
    assert entry.actor == moderator and entry.data["reason"] == "Insults"


def test_hiding_the_opening_post_hides_the_topic(topic, moderator):
    opening = topic.posts.get(is_opening=True)
    actions.do_hide_post(moderator, opening, reason="Abusive title")
    topic.refresh_from_db()
    assert topic.hidden_at is not None
    actions.do_restore_post(moderator, opening)
    topic.refresh_from_db()
    assert topic.hidden_at is None


def test_review_agree_resolves_flags_and_keeps_it_hidden(reply, flaggers, moderator):
    for person in flaggers:
        actions.do_flag_post(person, reply, reason="spam")
    actions.do_review(moderator, reply, decision="hide", reason="Spam indeed")
    reply.refresh_from_db()
    assert reply.is_hidden
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"agreed"}


def test_review_disagree_restores_and_clears_flags(reply, flaggers, moderator):
    for person in flaggers:
        actions.do_flag_post(person, reply, reason="spam")
    actions.do_review(moderator, reply, decision="restore", reason="Not spam")
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"disagreed"}
    entry = ActivityEntry.objects.get(verb="moderation.post_restored")
    assert entry.data == {"reason": "Not spam", "flags_cleared": 3}
    # A cleared flag does not stop the same person from flagging again later.
    actions.do_flag_post(flaggers[0], reply, reason="off_topic")


def test_review_delete(reply, member, moderator):
    actions.do_flag_post(member, reply, reason="spam")
    actions.do_review(moderator, reply, decision="delete", reason="Spam")
    reply.refresh_from_db()
    assert reply.is_deleted
    assert ActivityEntry.objects.filter(verb="moderation.post_deleted").exists()


def test_review_with_an_unknown_decision(reply, moderator):
    with pytest.raises(ActionError) as error:
        actions.do_review(moderator, reply, decision="ban")
    assert error.value.status == 400


@pytest.mark.parametrize("who", ["member", "mentor", "outsider"])
def test_only_moderators_hide_restore_lock_move_block(request, reply, who, flaggers):
    person = request.getfixturevalue(who)
    topic = reply.topic
    for action, args in [
        (actions.do_hide_post, (reply,)),
        (actions.do_restore_post, (reply,)),
        (actions.do_delete_post, (reply,)),
        (actions.do_lock_topic, (topic,)),
        (actions.do_move_topic, (topic, None)),
    ]:
        with pytest.raises(Forbidden):
            action(person, *args)
    with pytest.raises(Forbidden):
        actions.do_block(person, topic.community, flaggers[0], reason="x")


def test_hide_twice_and_restore_a_visible_post_conflict(reply, moderator):
    actions.do_hide_post(moderator, reply)
    with pytest.raises(Conflict):
        actions.do_hide_post(moderator, reply)
    actions.do_restore_post(moderator, reply)
    with pytest.raises(Conflict):
        actions.do_restore_post(moderator, reply)


def test_lock_and_move_reuse_the_discussions_actions(topic, moderator, community):
    from koinon.communities.tests.factories import GroupFactory

    group = GroupFactory(community=community, name="PMO", slug="pmo")
    actions.do_lock_topic(moderator, topic, locked=True, reason="Heated")
    topic.refresh_from_db()
    assert topic.closed
    with pytest.raises(Conflict):
        actions.do_lock_topic(moderator, topic, locked=True)
    actions.do_lock_topic(moderator, topic, locked=False)
    actions.do_move_topic(moderator, topic, group, reason="Belongs there")
    topic.refresh_from_db()
    assert topic.group == group
    verbs = list(
        ActivityEntry.objects.filter(verb__startswith="moderation.").values_list("verb", flat=True)
    )
    assert sorted(verbs) == [
        "moderation.topic_locked",
        "moderation.topic_moved",
        "moderation.topic_unlocked",
    ]
    assert all(e.is_private for e in ActivityEntry.objects.filter(verb__startswith="moderation."))


def test_reveal_author_is_audited(community, member, moderator):
    community.allow_anonymous = True
    community.save()
    topic = make_topic(member, community, is_anonymous=True)
    post = topic.posts.get()
    assert actions.do_reveal_author(moderator, post) == member
    entry = ActivityEntry.objects.get(verb="post.author_revealed")
    assert entry.is_private and entry.actor == moderator


# --- Blocks ------------------------------------------------------------------------


def test_a_blocked_member_cannot_write_but_can_read(community, topic, flaggers, moderator, reply):
    person = flaggers[0]
    actions.do_block(moderator, community, person, reason="Repeated insults")
    access = access_for(person, community)
    assert access.blocked and not access.is_member and access.belongs
    assert access.can("view_content")
    with pytest.raises(Forbidden):
        discussions.do_create_topic(person, community, title="Hello", body="x")
    with pytest.raises(Forbidden):
        discussions.do_reply(person, topic, body="x")
    with pytest.raises(Forbidden):
        discussions.do_add_reaction(person, reply, "thanks")
    with pytest.raises(Forbidden):
        actions.do_flag_post(person, reply, reason="spam")


def test_a_blocked_private_member_still_reads(community, flaggers, moderator):
    community.visibility = "private"
    community.save()
    actions.do_block(moderator, community, flaggers[0], reason="Spam")
    access = access_for(flaggers[0], community)
    assert access.can("view") and access.can("view_content") and not access.can("join")


def test_a_blocked_moderator_loses_moderation(community, owner, moderator, reply):
    actions.do_block(owner, community, moderator, reason="Abuse of power")
    assert not access_for(moderator, community).is_moderator
    with pytest.raises(Forbidden):
        actions.do_hide_post(moderator, reply)


def test_blocks_end_by_date_or_unblock(community, moderator, flaggers, topic):
    person = flaggers[0]
    block = actions.do_block(
        moderator, community, person, reason="Cool down", ends_at=timezone.now() + timedelta(days=1)
    )
    assert access_for(person, community).blocked
    Block.objects.filter(pk=block.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert not access_for(person, community).blocked
    discussions.do_reply(person, topic, body="Back")
    # A new block can start after the old one ran out; then unblock.
    block = actions.do_block(moderator, community, person, reason="Again")
    with pytest.raises(Conflict):
        actions.do_block(moderator, community, person, reason="Twice")
    actions.do_unblock(moderator, block, reason="Apologised")
    assert not access_for(person, community).blocked
    with pytest.raises(Conflict):
        actions.do_unblock(moderator, block)
    verbs = set(ActivityEntry.objects.values_list("verb", flat=True))
    assert {"moderation.person_blocked", "moderation.person_unblocked"} <= verbs


def test_block_refusals(community, moderator, owner, flaggers):
    with pytest.raises(Forbidden):
        actions.do_block(moderator, community, moderator, reason="Me")
    with pytest.raises(Forbidden):
        actions.do_block(moderator, community, owner, reason="Up")
    with pytest.raises(ActionError) as error:
        actions.do_block(moderator, community, flaggers[0], reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(ActionError) as error:
        actions.do_block(
            moderator, community, flaggers[0], reason="x", ends_at=timezone.now() - timedelta(1)
        )
    assert error.value.field == "ends_at"


def test_a_block_is_per_community(community, moderator, flaggers):
    from koinon.communities.tests.factories import CommunityFactory, MembershipFactory

    other = CommunityFactory(slug="other")
    MembershipFactory(community=other, user=flaggers[0], role="member")
    actions.do_block(moderator, community, flaggers[0], reason="x")
    assert access_for(flaggers[0], other).is_member


# --- Hidden posts leave the search and notifications -------------------------------


def test_hidden_posts_leave_the_search(reply, moderator, member):
    from koinon.search.models import Document
    from koinon.search.query import search

    assert Document.objects.filter(post=reply).exists()
    actions.do_hide_post(moderator, reply)
    assert not Document.objects.filter(post=reply).exists()
    assert search(member, "pills").total == 0
    actions.do_restore_post(moderator, reply)
    assert Document.objects.filter(post=reply).exists()


def test_hidden_posts_leave_notifications(
    community, topic, member, mentor, moderator, django_capture_on_commit_callbacks
):
    from koinon.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        post = make_reply(mentor, topic, body="Spam spam")
    assert Notification.objects.filter(recipient=member).exists()
    actions.do_hide_post(moderator, post)
    assert not Notification.objects.filter(entry__target_id=post.pk, recipient=member).exists()


def test_deleted_counts_stay_right(reply, moderator):
    topic = reply.topic
    actions.do_delete_post(moderator, reply, reason="Spam")
    assert Topic.objects.get(pk=topic.pk).reply_count == 0
    assert Post.objects.get(pk=reply.pk).is_deleted


def test_personal_data_export_and_erase(reply, member, moderator, community, flaggers):
    from koinon.moderation import personal_data

    actions.do_flag_post(member, reply, reason="other", text="Rude words")
    actions.do_block(moderator, community, member, reason="Insults")
    data = personal_data.export(member)
    assert data["flags"][0]["details"] == "Rude words"
    assert data["blocks"][0]["reason"] == "Insults"
    personal_data.erase(member)
    assert Flag.objects.get().text == ""


def test_hidden_posts_stay_out_of_the_search_after_edits(reply, moderator, mentor):
    from koinon.search.models import Document

    actions.do_hide_post(moderator, reply)
    discussions.do_edit_topic(moderator, reply.topic, title="A new title for the topic")
    reply.refresh_from_db()
    discussions.do_edit_post(mentor, reply, body="Edited while hidden")
    assert not Document.objects.filter(post=reply).exists()
