"""Topics and posts hidden pending review (koinon.moderation): out of every list, and
nobody takes part in them, except their author and the community's moderators."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koinon.communities.policy import access_for
from koinon.discussions import actions
from koinon.discussions.models import Post, Topic, TopicKind
from koinon.discussions.policy import visible_topics_for
from koinon.discussions.tests.factories import make_question, make_reply, make_topic
from koinon.lib.errors import ActionError
from koinon.moderation import actions as moderation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def hidden(community, member, moderator):
    """Mia's question, hidden by a moderator; a visible topic beside it."""
    topic = make_question(member, community, title="Hidden scheme", tags="budget")
    make_topic(member, community, title="Visible retrospective", tags="budget")
    moderation.do_hide_post(moderator, topic.posts.get(is_opening=True), reason="Spam")
    topic.refresh_from_db()
    assert topic.hidden_at is not None
    return topic


def api(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


# --- Lists ---------------------------------------------------------------------------


def test_visible_to_keeps_hidden_topics_for_author_and_moderators(
    hidden, community, member, mentor, moderator, outsider
):
    def titles(user):
        topics = Topic.objects.filter(community=community).visible_to(access_for(user, community))
        return set(topics.values_list("title", flat=True))

    assert titles(mentor) == {"Visible retrospective"}
    assert titles(outsider) == {"Visible retrospective"}
    assert titles(member) == {"Visible retrospective", "Hidden scheme"}  # the author
    assert titles(moderator) == {"Visible retrospective", "Hidden scheme"}


def test_visible_topics_for_across_communities(hidden, member, mentor, moderator, outsider):
    from django.contrib.auth.models import AnonymousUser

    def titles(user):
        return set(visible_topics_for(user).values_list("title", flat=True))

    assert "Hidden scheme" not in titles(mentor)
    assert "Hidden scheme" not in titles(outsider)
    assert "Hidden scheme" not in titles(AnonymousUser())
    assert "Hidden scheme" in titles(member)
    assert "Hidden scheme" in titles(moderator)


def test_a_blocked_moderator_no_longer_sees_hidden_topics(hidden, community, moderator, owner):
    moderation.do_block(owner, community, moderator, reason="Abuse of power")
    assert "Hidden scheme" not in set(visible_topics_for(moderator).values_list("title", flat=True))


@pytest.mark.parametrize("query", ["", "?tag=budget", "?state=unanswered", "?kind=question"])
def test_topic_list_page_and_filters(client, hidden, mentor, member, moderator, query):
    url = reverse("topic-list", args=["pm"]) + query
    client.force_login(mentor)
    text = client.get(url).content.decode()
    assert "Hidden scheme" not in text
    for reader in (member, moderator):
        client.force_login(reader)
        assert "Hidden scheme" in client.get(url).content.decode()


@pytest.mark.parametrize("query", ["", "?tag=budget", "?state=unanswered"])
def test_topic_list_api(hidden, mentor, member, moderator, query):
    url = "/api/v1/communities/pm/topics" + query

    def titles(user):
        response = api(user).get(url)
        assert response.status_code == 200
        return {t["title"] for t in response.json()["items"]}

    assert "Hidden scheme" not in titles(mentor)
    assert "Hidden scheme" not in titles(None)
    assert "Hidden scheme" in titles(member)
    assert "Hidden scheme" in titles(moderator)


def test_restoring_brings_the_topic_back(client, hidden, mentor, moderator):
    moderation.do_restore_post(moderator, hidden.posts.get(is_opening=True))
    client.force_login(mentor)
    assert "Hidden scheme" in client.get(reverse("topic-list", args=["pm"])).content.decode()


def test_practice_discussions_leave_hidden_topics_out(community, member, mentor, moderator):
    from koinon.library import actions as library
    from koinon.library.discussion_links import discussions_of, do_discuss_practice

    practice = library.do_create_practice(
        moderator, community, title="Daily stand-up", summary="Short", body="Fifteen minutes."
    )
    topic = do_discuss_practice(member, practice, title="Stand-up doubts", body="Why daily?")
    moderation.do_hide_post(moderator, topic.posts.get(is_opening=True))
    assert discussions_of(practice, mentor) == []
    assert discussions_of(practice, member) == [topic]
    assert discussions_of(practice, moderator) == [topic]


def test_digests_leave_hidden_topics_out(community, owner, member, mentor, moderator):
    from datetime import timedelta

    from koinon.notifications import digests

    shown = make_question(owner, community, title="Open question shown")
    hidden = make_question(owner, community, title="Open question hidden")
    moderation.do_hide_post(moderator, hidden.posts.get(is_opening=True))
    tomorrow = timezone.localdate() + timedelta(days=1)
    begins, ends = digests.period_bounds("daily", tomorrow)[1:]
    cache = digests.RunCache(begins, ends, timezone.now())
    cache.load({community.pk: community})
    assert [q[1] for q in cache.questions[community.pk]] == [shown.title]
    news = [title for _actor, title, _url in cache.news[community.pk]]
    assert shown.title in news and hidden.title not in news


def test_skill_evidence_leaves_hidden_answers_out(community, member, mentor, moderator):
    from koinon.accounts.tests.factories import SkillFactory
    from koinon.learning.views import skill_evidence

    skill = SkillFactory(name="Budget")
    question = make_question(member, community, title="Budget sheet?", tags="budget")
    answer = make_reply(mentor, question, body="Use a sheet per quarter.")
    actions.do_accept_answer(member, answer)
    assert [t.pk for t in skill_evidence(mentor, skill)["answers"]] == [question.pk]
    moderation.do_hide_post(moderator, answer)
    assert skill_evidence(mentor, skill)["answers"] == []


# --- No taking part in what is hidden from you -----------------------------------------


def test_replying_to_a_hidden_topic_is_refused_to_members(hidden, mentor, member, moderator):
    with pytest.raises(ActionError) as refused:
        actions.do_reply(mentor, hidden, body="Me too")
    assert refused.value.status == 403 and refused.value.code == "hidden"
    assert "hidden until the moderators review it" in str(refused.value.message)
    assert actions.do_reply(member, hidden, body="I can explain").pk  # the author
    assert actions.do_reply(moderator, hidden, body="Under review").pk


def test_reply_page_and_api_refuse_a_hidden_topic(client, hidden, mentor):
    client.force_login(mentor)
    url = reverse("topic-reply", args=["pm", hidden.pk])
    response = client.post(url, {"body": "Me too"})
    assert response.status_code == 403
    assert "hidden until the moderators review it" in response.content.decode()
    response = client.post(url, {"body": "Me too"}, **HTMX)
    assert response.status_code == 403
    response = api(mentor).post(
        f"/api/v1/topics/{hidden.pk}/posts", {"body": "Me too"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "hidden"
    assert not Post.objects.filter(author=mentor).exists()


def test_a_hidden_topic_offers_no_reply(hidden, mentor, member):
    response = api(mentor).get(f"/api/v1/topics/{hidden.pk}")
    assert response.status_code == 200 and response.json()["can"]["reply"] is False
    assert response.json()["body"] == ""
    assert api(member).get(f"/api/v1/topics/{hidden.pk}").json()["can"]["reply"] is True


@pytest.fixture
def hidden_reply(community, member, mentor, moderator):
    """Mia's question with Martina's answer, hidden by a moderator."""
    question = make_question(member, community, title="Which tool?")
    answer = make_reply(mentor, question, body="Buy my course")
    moderation.do_hide_post(moderator, answer)
    answer.refresh_from_db()
    return answer


def test_reacting_to_a_hidden_post_is_refused(client, hidden_reply, member, moderator):
    with pytest.raises(ActionError) as refused:
        actions.do_add_reaction(member, hidden_reply, "helpful")
    assert refused.value.status == 403 and refused.value.code == "hidden"
    client.force_login(member)
    url = reverse("post-react", args=[hidden_reply.pk])
    response = client.post(url, {"kind": "thanks"})
    assert response.status_code == 403
    assert "This post is hidden until the moderators review it." in response.content.decode()
    response = api(member).post(
        f"/api/v1/posts/{hidden_reply.pk}/reactions",
        {"kind": "thanks"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "hidden"
    assert not hidden_reply.reactions.exists()
    assert actions.do_add_reaction(moderator, hidden_reply, "thanks").pk  # moderators see it


def test_reacting_in_a_hidden_topic_is_refused(hidden, member, mentor, owner):
    reply = make_reply(member, hidden, body="More details")
    with pytest.raises(ActionError) as refused:
        actions.do_add_reaction(mentor, reply, "thanks")
    assert refused.value.code == "hidden"


def test_accepting_a_hidden_answer_is_refused(client, hidden_reply, member):
    with pytest.raises(ActionError) as refused:
        actions.do_accept_answer(member, hidden_reply)
    assert refused.value.status == 403 and refused.value.code == "hidden"
    client.force_login(member)
    response = client.post(reverse("post-accept", args=[hidden_reply.pk]))
    assert response.status_code == 403
    assert "hidden until the moderators review it" in response.content.decode()
    response = api(member).post(f"/api/v1/posts/{hidden_reply.pk}/accept")
    assert response.status_code == 403 and response.json()["code"] == "hidden"
    assert Topic.objects.get(pk=hidden_reply.topic_id).accepted_answer_id is None


def test_quoting_a_hidden_post_gives_an_empty_reply_box(client, hidden_reply, member):
    client.force_login(member)
    topic = hidden_reply.topic
    url = reverse("topic-detail", args=["pm", topic.pk]) + f"?quote={hidden_reply.pk}"
    assert "Buy my course" not in client.get(url).content.decode()


def test_voting_in_a_hidden_topic_is_refused(client, community, member, mentor, moderator):
    from koinon.polls import actions as polls

    topic = make_topic(member, community, title="Pick a day", kind=TopicKind.DISCUSSION)
    poll = polls.do_create_poll(member, topic, question="Which day?", options=["Mon", "Tue"])
    moderation.do_hide_post(moderator, topic.posts.get(is_opening=True))
    poll.refresh_from_db()
    monday = poll.options.get(text="Mon").pk
    with pytest.raises(ActionError) as refused:
        polls.do_vote(mentor, poll, [monday])
    assert refused.value.status == 403 and refused.value.code == "hidden"
    client.force_login(mentor)
    response = client.post(reverse("poll-vote", args=[poll.pk]), {"option": monday}, **HTMX)
    assert response.status_code == 403
    assert "hidden until the moderators review it" in response.content.decode()
    response = api(mentor).post(
        f"/api/v1/topics/{topic.pk}/poll/vote",
        {"options": [monday]},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "hidden"
    assert not poll.votes.exists()
    assert polls.do_vote(member, poll, [monday])  # the author still may


def test_replies_written_in_a_hidden_topic_stay_out_of_search(hidden, member, outsider):
    from koinon.search.models import Document
    from koinon.search.query import search

    reply = actions.do_reply(member, hidden, body="Zanzibar explanation while under review")
    assert not Document.objects.filter(post=reply).exists()
    assert search(outsider, "zanzibar").total == 0
    actions.do_edit_post(member, reply, body="Zanzibar explanation, edited")
    assert not Document.objects.filter(post=reply).exists()
