import pytest

from koinon.communities.tests.factories import CommunityFactory, GroupFactory
from koinon.core.models import ActivityEntry
from koinon.discussions import actions
from koinon.discussions.models import Post, PostRevision, Reaction, Topic
from koinon.discussions.tests.factories import make_question, make_reply, make_topic
from koinon.lib.errors import ActionError, Conflict, Forbidden

pytestmark = pytest.mark.django_db


def test_member_starts_a_topic_with_an_opening_post(community, member):
    topic = make_topic(member, community, tags="Agile, retro ,agile", label="tip")
    post = topic.posts.get()
    assert post.is_opening and post.author == member
    assert "<em>many</em>" in post.body_html
    assert sorted(topic.tags.values_list("name", flat=True)) == ["agile", "retro"]
    assert topic.label == "tip"
    assert ActivityEntry.objects.filter(verb="topic.created", actor=member).exists()


def test_outsider_cannot_start_a_topic(community, outsider):
    with pytest.raises(Forbidden):
        make_topic(outsider, community)
    assert not Topic.objects.exists()


def test_empty_post_is_refused(community, member):
    with pytest.raises(ActionError) as exc:
        make_topic(member, community, body="   \n ")
    assert exc.value.field == "body" and exc.value.code == "empty"


def test_post_over_32000_characters_is_refused(community, member):
    topic = make_topic(member, community)
    with pytest.raises(ActionError) as exc:
        make_reply(member, topic, body="a" * 32_001)
    assert exc.value.code == "too_long"
    make_reply(member, topic, body="a" * 32_000)


def test_empty_title_is_refused(community, member):
    with pytest.raises(ActionError) as exc:
        make_topic(member, community, title="  ")
    assert exc.value.field == "title"


def test_too_many_tags_are_refused(community, member):
    with pytest.raises(ActionError) as exc:
        make_topic(member, community, tags="a,b,c,d,e,f")
    assert exc.value.field == "tags"


def test_group_of_another_community_is_refused(community, member):
    with pytest.raises(ActionError):
        make_topic(member, community, group=GroupFactory())


def test_reply_counts_and_bumps_the_topic(community, member, mentor):
    topic = make_topic(member, community)
    before = topic.last_activity_at
    make_reply(mentor, topic)
    make_reply(member, topic)
    topic.refresh_from_db()
    assert topic.reply_count == 2
    assert topic.last_activity_at >= before


def test_replying_to_a_closed_topic_is_refused(community, member, moderator):
    topic = make_topic(member, community)
    actions.do_set_topic_state(moderator, topic, closed=True)
    with pytest.raises(Forbidden) as exc:
        make_reply(member, topic)
    assert exc.value.code == "closed"
    make_reply(moderator, topic, body="Closed: see the new topic.")


def test_archived_topic_takes_no_replies(community, member, moderator):
    topic = make_topic(member, community)
    actions.do_set_topic_state(moderator, topic, archived=True)
    with pytest.raises(Forbidden):
        make_reply(moderator, topic)


def test_member_cannot_pin(community, member):
    topic = make_topic(member, community)
    with pytest.raises(Forbidden):
        actions.do_set_topic_state(member, topic, pinned=True)


def test_edit_keeps_the_previous_text(community, member):
    topic = make_topic(member, community, body="first")
    post = topic.posts.get()
    actions.do_edit_post(member, post, body="second **bold**")
    post.refresh_from_db()
    assert post.body == "second **bold**" and "<strong>bold</strong>" in post.body_html
    assert post.edited_at is not None
    assert list(PostRevision.objects.values_list("body", flat=True)) == ["first"]


def test_editing_someone_elses_post_is_refused(community, member, mentor):
    post = make_reply(mentor, make_topic(member, community))
    with pytest.raises(Forbidden):
        actions.do_edit_post(member, post, body="mine now")
    assert PostRevision.objects.count() == 0


def test_moderator_may_edit_any_post(community, member, moderator):
    post = make_reply(member, make_topic(member, community))
    actions.do_edit_post(moderator, post, body="tidied")
    assert PostRevision.objects.get().editor == moderator


def test_soft_delete_keeps_the_row_and_clears_acceptance(community, member, mentor):
    topic = make_question(member, community)
    answer = make_reply(mentor, topic)
    actions.do_accept_answer(member, answer)
    actions.do_delete_post(mentor, answer)
    answer.refresh_from_db()
    topic.refresh_from_db()
    assert answer.is_deleted and answer.deleted_by == mentor
    assert topic.accepted_answer is None and topic.reply_count == 0
    with pytest.raises(Forbidden):
        actions.do_delete_post(mentor, answer)


def test_asker_accepts_an_answer(community, member, mentor):
    topic = make_question(member, community)
    answer = make_reply(mentor, topic)
    actions.do_accept_answer(member, answer)
    topic.refresh_from_db()
    assert topic.accepted_answer == answer and topic.is_answered


def test_accepting_on_someone_elses_question_is_refused(community, member, mentor):
    topic = make_question(member, community)
    answer = make_reply(member, topic, body="my own answer")
    with pytest.raises(Forbidden):
        actions.do_accept_answer(mentor, answer)


def test_moderator_accepts_on_any_question(community, member, mentor, moderator):
    answer = make_reply(mentor, make_question(member, community))
    topic = actions.do_accept_answer(moderator, answer)
    assert topic.accepted_answer == answer


def test_discussions_have_no_accepted_answer(community, member, mentor):
    answer = make_reply(mentor, make_topic(member, community))
    with pytest.raises(ActionError) as exc:
        actions.do_accept_answer(member, answer)
    assert exc.value.code == "not_a_question"


def test_opening_post_cannot_be_the_answer(community, member):
    topic = make_question(member, community)
    with pytest.raises(ActionError):
        actions.do_accept_answer(member, topic.posts.get(is_opening=True))


def test_reacting_twice_is_a_conflict(community, member, mentor):
    post = make_reply(mentor, make_topic(member, community))
    actions.do_add_reaction(member, post, "helpful")
    actions.do_add_reaction(member, post, "thanks")
    with pytest.raises(Conflict) as exc:
        actions.do_add_reaction(member, post, "helpful")
    assert exc.value.code == "already_reacted"
    post.refresh_from_db()
    assert post.helpful_count == 1 and Reaction.objects.count() == 2


def test_reaction_can_be_taken_back(community, member, mentor):
    post = make_reply(mentor, make_topic(member, community))
    actions.do_add_reaction(member, post, "helpful")
    actions.do_remove_reaction(member, post, "helpful")
    post.refresh_from_db()
    assert post.helpful_count == 0
    with pytest.raises(Conflict):
        actions.do_remove_reaction(member, post, "helpful")


def test_reacting_to_your_own_post_is_refused(community, member):
    post = make_reply(member, make_topic(member, community))
    with pytest.raises(Forbidden):
        actions.do_add_reaction(member, post, "helpful")


def test_unknown_reaction_is_refused(community, member, mentor):
    post = make_reply(mentor, make_topic(member, community))
    with pytest.raises(ActionError):
        actions.do_add_reaction(member, post, "love")


def test_moderator_moves_a_topic_into_a_group(community, member, moderator):
    group = GroupFactory(community=community)
    topic = actions.do_move_topic(moderator, make_topic(member, community), group)
    assert Topic.objects.get(pk=topic.pk).group == group


# --- Anonymous authorship ------------------------------------------------------


@pytest.fixture
def open_community(community):
    community.allow_anonymous = True
    community.save()
    return community


def test_anonymous_topic_refused_where_not_allowed(community, member):
    with pytest.raises(Forbidden) as exc:
        make_question(member, community, is_anonymous=True)
    assert exc.value.field == "is_anonymous"


def test_anonymous_question_keeps_its_author_but_logs_no_actor(open_community, member):
    topic = make_question(member, open_community, is_anonymous=True, body="secret worry")
    assert topic.author == member and topic.posts.get().author == member
    entry = ActivityEntry.objects.get(verb="topic.created")
    assert entry.actor is None and entry.data["anonymous"] is True
    assert not ActivityEntry.objects.filter(actor=member).exists()


def test_anonymous_author_edits_and_deletes_without_being_logged(open_community, member, mentor):
    topic = make_question(mentor, open_community)
    post = make_reply(member, topic, is_anonymous=True)
    actions.do_edit_post(member, post, body="better wording")
    actions.do_delete_post(member, post)
    assert not ActivityEntry.objects.filter(actor=member).exists()


def test_anonymous_asker_accepts_without_being_logged(open_community, member, mentor):
    topic = make_question(member, open_community, is_anonymous=True)
    actions.do_accept_answer(member, make_reply(mentor, topic))
    assert ActivityEntry.objects.get(verb="answer.accepted").actor is None


def test_moderator_reveals_the_author_and_it_is_audited(open_community, member, moderator):
    topic = make_question(member, open_community, is_anonymous=True)
    post = topic.posts.get()
    assert actions.do_reveal_author(moderator, post) == member
    entry = ActivityEntry.objects.get(verb="post.author_revealed")
    assert entry.actor == moderator and entry.is_private and entry.target == post


def test_member_cannot_reveal_an_author(open_community, member, mentor):
    post = make_question(member, open_community, is_anonymous=True).posts.get()
    with pytest.raises(Forbidden):
        actions.do_reveal_author(mentor, post)


def test_two_replies_at_once_are_both_kept(community, member, mentor):
    topic = make_topic(member, community)
    stale = Topic.objects.get(pk=topic.pk)
    make_reply(mentor, topic)
    make_reply(member, stale)
    assert Post.objects.filter(topic=topic, is_opening=False).count() == 2
    assert Topic.objects.get(pk=topic.pk).reply_count == 2


def test_topic_language_follows_the_community(member):
    community = CommunityFactory(languages=["en"])
    from koinon.communities.tests.factories import MembershipFactory

    MembershipFactory(community=community, user=member)
    assert make_topic(member, community).language == "en"


def test_anonymous_author_edits_the_topic_without_being_logged(open_community, member):
    topic = make_question(member, open_community, is_anonymous=True, tags="a")
    actions.do_edit_topic(member, topic, title="Clearer question", tags="a, b")
    entry = ActivityEntry.objects.get(verb="topic.edited")
    assert entry.actor is None and entry.data["fields"] == ["title", "tags"]


def test_unchanged_topic_edit_logs_nothing(community, member):
    topic = make_topic(member, community, title="Same", tags="x")
    actions.do_edit_topic(member, topic, title="Same", label="", tags="x")
    assert not ActivityEntry.objects.filter(verb="topic.edited").exists()
