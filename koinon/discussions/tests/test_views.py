import pytest
from django.urls import reverse

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.models import Post, PostRevision, Reaction, Topic
from koinon.discussions.tests.factories import make_question, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_member(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def anonymous_ok(community):
    community.allow_anonymous = True
    community.save()
    return community


# --- Topic list ------------------------------------------------------------------


def test_topic_list_shows_pinned_first(client, community, member, moderator):
    old = make_topic(member, community, title="Old but pinned")
    make_topic(member, community, title="Fresh")
    actions.do_set_topic_state(moderator, old, pinned=True)
    response = client.get(reverse("topic-list", args=["pm"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("Old but pinned") < text.index("Fresh")


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("kind=question", "A question", "A discussion"),
        ("label=tip", "A discussion", "A question"),
        ("tag=budget", "A question", "A discussion"),
        ("state=unanswered", "A question", "A discussion"),
    ],
)
def test_topic_list_filters(client, community, member, query, shown, hidden):
    make_topic(member, community, title="A discussion", label="tip")
    make_question(member, community, title="A question", tags="Budget")
    text = client.get(reverse("topic-list", args=["pm"]) + "?" + query).content.decode()
    assert shown in text and hidden not in text


def test_answered_filter(client, community, member, mentor):
    answered = make_question(member, community, title="Solved one")
    make_question(member, community, title="Open one")
    actions.do_accept_answer(member, make_reply(mentor, answered))
    text = client.get(reverse("topic-list", args=["pm"]) + "?state=answered").content.decode()
    assert "Solved one" in text and "Open one" not in text


def queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_topic_list_queries_do_not_grow_with_topics(client, community, member):
    """The page's own queries are constant; the layout (menus, bell…) may add a few."""
    url = reverse("topic-list", args=["pm"])
    make_topic(member, community, title="Topic", tags="a,b")
    client.force_login(member)
    client.get(url)  # the session is recorded on the first request
    few = queries_for(client, url)
    for n in range(30):
        make_topic(member, community, title=f"Topic {n}", tags="a,b")
    many = queries_for(client, url)
    assert many == few, "topic list: one query per topic?"
    assert many <= 20


# --- New topic and preview ---------------------------------------------------------


def test_member_creates_a_topic(as_member, community):
    data = {"title": "Kick-off", "kind": "question", "body": "How?", "label": "", "tags": "x"}
    response = as_member.post(reverse("topic-create", args=["pm"]), data)
    topic = Topic.objects.get()
    assert response.status_code == 302 and response.url == topic.get_absolute_url()
    assert topic.kind == "question"


def test_empty_topic_body_is_a_form_error(as_member, community):
    data = {"title": "Kick-off", "kind": "discussion", "body": "  "}
    response = as_member.post(reverse("topic-create", args=["pm"]), data)
    assert response.status_code == 400
    assert "Please write something." in response.content.decode()
    assert not Topic.objects.exists()


def test_outsider_cannot_open_the_new_topic_form(client, community, outsider):
    client.force_login(outsider)
    assert client.get(reverse("topic-create", args=["pm"])).status_code == 403


def test_anonymous_checkbox_only_where_allowed(as_member, community):
    url = reverse("topic-create", args=["pm"])
    assert 'name="is_anonymous"' not in as_member.get(url).content.decode()
    community.allow_anonymous = True
    community.save()
    assert 'name="is_anonymous"' in as_member.get(url).content.decode()


def test_preview_renders_through_the_pipeline(as_member):
    response = as_member.post(
        reverse("markdown-preview"), {"body": "**hi** <script>x</script>"}, **HTMX
    )
    text = response.content.decode()
    assert "<strong>hi</strong>" in text and "<script>" not in text


def test_preview_of_a_too_long_text_is_a_400(as_member):
    response = as_member.post(reverse("markdown-preview"), {"body": "a" * 32_001})
    assert response.status_code == 400


# --- Topic page --------------------------------------------------------------------


def test_answers_sorted_accepted_first_then_helpful(
    client, community, member, mentor, moderator, owner
):
    topic = make_question(member, community)
    first = make_reply(mentor, topic, body="Answer first")
    helpful = make_reply(moderator, topic, body="Answer helpful")
    accepted = make_reply(owner, topic, body="Answer accepted")
    actions.do_add_reaction(member, helpful, "helpful")
    actions.do_accept_answer(member, accepted)
    text = client.get(topic.get_absolute_url()).content.decode()
    order = [text.index(f"Answer {w}") for w in ("accepted", "helpful", "first")]
    assert order == sorted(order)
    assert first.pk


def test_topic_page_queries_do_not_grow_with_posts(client, community, member, mentor):
    topic = make_question(member, community)
    client.force_login(member)
    url = topic.get_absolute_url() + "?page=1"
    client.get(url)
    post = make_reply(mentor, topic, body="reply")
    actions.do_add_reaction(member, post, "thanks")
    few = queries_for(client, url)
    for n in range(25):
        post = make_reply(mentor, topic, body=f"reply {n}")
        actions.do_add_reaction(member, post, "thanks")
    many = queries_for(client, url)
    assert many == few, "topic page: one query per post?"
    assert many <= 24


def test_topic_in_private_community_is_404_for_outsiders(client, member, outsider):
    community = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=community, user=member)
    topic = make_topic(member, community)
    client.force_login(outsider)
    assert client.get(topic.get_absolute_url()).status_code == 404


def test_anonymous_author_never_appears_on_the_page(client, anonymous_ok, member, moderator):
    topic = make_question(member, anonymous_ok, is_anonymous=True, title="Am I doing it wrong?")
    make_reply(member, topic, is_anonymous=True, body="And a follow-up")
    for viewer in (None, moderator):
        if viewer:
            client.force_login(viewer)
        text = client.get(topic.get_absolute_url()).content.decode()
        assert "Anonymous member" in text
        assert "Mia" not in text and "mia@example.org" not in text
        assert reverse("profile-detail", args=[member.pk]) not in text
    text = client.get(reverse("topic-list", args=["pm"])).content.decode()
    assert "Mia" not in text


def test_moderator_reveal_is_audited(client, anonymous_ok, member, moderator):
    post = make_question(member, anonymous_ok, is_anonymous=True).posts.get()
    client.force_login(moderator)
    response = client.post(reverse("post-reveal", args=[post.pk]), **HTMX)
    assert "mia@example.org" in response.content.decode()
    client.force_login(member)
    response = client.post(reverse("post-reveal", args=[post.pk]), **HTMX)
    assert response.status_code == 403


def test_reply_by_htmx_returns_the_post_and_a_fresh_form(as_member, community, mentor):
    topic = make_topic(mentor, community)
    response = as_member.post(
        reverse("topic-reply", args=["pm", topic.pk]), {"body": "me too"}, **HTMX
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "me too" in text and 'hx-swap-oob="true"' in text


def test_reply_without_htmx_redirects_to_the_post(as_member, community, mentor):
    topic = make_topic(mentor, community)
    response = as_member.post(reverse("topic-reply", args=["pm", topic.pk]), {"body": "hello"})
    assert response.status_code == 302
    assert response.url.endswith(f"#post-{Post.objects.latest('id').pk}")


def test_replying_to_a_closed_topic_is_a_clear_403(as_member, community, mentor, moderator):
    topic = make_topic(mentor, community)
    actions.do_set_topic_state(moderator, topic, closed=True)
    response = as_member.post(
        reverse("topic-reply", args=["pm", topic.pk]), {"body": "late"}, **HTMX
    )
    assert response.status_code == 403
    assert "This topic is closed" in response.content.decode()
    assert response["HX-Retarget"] == "#reply-form"


@pytest.mark.parametrize("body, message", [("", "Please write something."), ("a" * 32_001, "")])
def test_bad_reply_is_a_form_error(as_member, community, mentor, body, message):
    topic = make_topic(mentor, community)
    response = as_member.post(reverse("topic-reply", args=["pm", topic.pk]), {"body": body})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert topic.posts.count() == 1


def test_outsider_reply_is_refused(client, community, member, outsider):
    topic = make_topic(member, community)
    client.force_login(outsider)
    response = client.post(reverse("topic-reply", args=["pm", topic.pk]), {"body": "hi"})
    assert response.status_code == 403


def test_visitor_reply_goes_to_login(client, community, member):
    topic = make_topic(member, community)
    response = client.post(reverse("topic-reply", args=["pm", topic.pk]), {"body": "hi"})
    assert response.status_code == 302 and "login" in response.url


# --- Reactions and accept ------------------------------------------------------------


def test_react_by_htmx_and_twice_is_a_409(as_member, community, mentor):
    post = make_reply(mentor, make_topic(mentor, community))
    url = reverse("post-react", args=[post.pk])
    response = as_member.post(url, {"kind": "helpful"}, **HTMX)
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    response = as_member.post(url, {"kind": "helpful"}, **HTMX)
    assert response.status_code == 409
    assert "already reacted" in response.content.decode()
    assert Reaction.objects.count() == 1


def test_react_undo(as_member, community, member, mentor):
    post = make_reply(mentor, make_topic(mentor, community))
    actions.do_add_reaction(member, post, "thanks")
    as_member.post(reverse("post-react", args=[post.pk]), {"kind": "thanks", "undo": "1"})
    assert not Reaction.objects.exists()


def test_accept_by_htmx_returns_the_answers(as_member, community, member, mentor):
    topic = make_question(member, community)
    answer = make_reply(mentor, topic)
    response = as_member.post(reverse("post-accept", args=[answer.pk]), **HTMX)
    text = response.content.decode()
    assert response.status_code == 200 and "Accepted answer" in text
    assert 'id="topic-meta" hx-swap-oob="true"' in text and "Answered" in text
    topic.refresh_from_db()
    assert topic.accepted_answer == answer


def test_accepting_on_someone_elses_question_is_403(client, community, member, mentor):
    topic = make_question(member, community)
    answer = make_reply(member, topic)
    client.force_login(mentor)
    response = client.post(reverse("post-accept", args=[answer.pk]))
    assert response.status_code == 403
    assert "Only the person who asked" in response.content.decode()


# --- Edit, history, delete --------------------------------------------------------------


def test_edit_keeps_history_and_shows_a_diff(as_member, client, community, member):
    post = make_topic(member, community, body="line one\nline two").posts.get()
    response = as_member.post(reverse("post-edit", args=[post.pk]), {"body": "line one\nline 2"})
    assert response.status_code == 302
    assert PostRevision.objects.get().body == "line one\nline two"
    text = client.get(reverse("post-history", args=[post.pk])).content.decode()
    assert "<del>" in text and "line two" in text and "<ins>" in text and "line 2" in text


def test_editing_someone_elses_post_is_403(as_member, community, mentor):
    post = make_reply(mentor, make_topic(mentor, community))
    assert as_member.get(reverse("post-edit", args=[post.pk])).status_code == 403
    assert as_member.post(reverse("post-edit", args=[post.pk]), {"body": "x"}).status_code == 403


def test_history_of_anonymous_post_hides_the_editor(client, anonymous_ok, member):
    post = make_question(member, anonymous_ok, is_anonymous=True).posts.get()
    actions.do_edit_post(member, post, body="new words")
    text = client.get(reverse("post-history", args=[post.pk])).content.decode()
    assert "Anonymous member" in text and "Mia" not in text


def test_soft_delete_by_htmx(as_member, community, member):
    post = make_reply(member, make_topic(member, community), body="regret")
    response = as_member.post(reverse("post-delete", args=[post.pk]), **HTMX)
    assert response.status_code == 200 and "This post was deleted." in response.content.decode()
    post.refresh_from_db()
    assert post.is_deleted
    assert "regret" not in as_member.get(post.topic.get_absolute_url()).content.decode()


def test_moderator_pins_from_the_page(client, community, member, moderator):
    topic = make_topic(member, community)
    client.force_login(moderator)
    url = reverse("topic-moderate", args=["pm", topic.pk])
    assert client.post(url, {"flag": "pinned", "value": "1"}).status_code == 302
    topic.refresh_from_db()
    assert topic.pinned
    client.force_login(member)
    assert client.post(url, {"flag": "pinned", "value": "0"}).status_code == 403


def test_pages_speak_italian(client, anonymous_ok, member, mentor):
    topic = make_question(member, anonymous_ok, is_anonymous=True)
    make_reply(mentor, topic)
    headers = {"HTTP_ACCEPT_LANGUAGE": "it"}
    text = client.get(topic.get_absolute_url(), **headers).content.decode()
    assert "Membro anonimo" in text and "1 risposta" in text and "Senza risposta" in text
    text = client.get(reverse("topic-list", args=["pm"]), **headers).content.decode()
    assert "Discussioni in Project Managers" in text


def test_similar_topics_are_suggested_while_typing(client, community, member, mentor):
    question = make_question(member, community, title="Stima dei costi di un progetto")
    actions.do_accept_answer(member, make_reply(mentor, question, body="Usa PERT"))
    make_topic(member, community, title="Gita aziendale")
    url = reverse("topic-similar", args=["pm"])
    text = client.get(url, {"title": "Come fare la stima dei costi?"}, **HTMX).content.decode()
    assert "<mark>Stima</mark>" in text and "Answered" in text and "Gita" not in text
    assert "similar" not in client.get(url, {"title": "x"}).content.decode()


def test_similar_topics_never_leak_private_ones(client, member, outsider):
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Budget segreto del club")
    client.force_login(outsider)
    assert (
        client.get(reverse("topic-similar", args=["club"]), {"title": "budget segreto"}).status_code
        == 403
    )


def test_new_topic_form_asks_for_similar_topics(as_member, community):
    text = as_member.get(reverse("topic-create", args=["pm"])).content.decode()
    assert f'hx-get="{reverse("topic-similar", args=["pm"])}"' in text


# --- Topic edit and quotes ------------------------------------------------------------


def test_author_edits_title_label_and_tags(as_member, community, member):
    from koinon.search.query import search

    topic = make_topic(member, community, title="Old title", tags="one")
    url = reverse("topic-edit", args=["pm", topic.pk])
    assert as_member.get(url).status_code == 200
    data = {"title": "Brand new heading", "label": "trend", "tags": "two, three"}
    assert as_member.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Brand new heading" and topic.label == "trend"
    assert sorted(topic.tags.values_list("name", flat=True)) == ["three", "two"]
    assert search(member, "heading").total == 1 and search(member, "old").total == 0


def test_other_members_cannot_edit_a_topic(client, community, member, mentor):
    topic = make_topic(member, community)
    client.force_login(mentor)
    assert client.get(reverse("topic-edit", args=["pm", topic.pk])).status_code == 403


def test_empty_title_on_edit_is_a_form_error(as_member, community, member):
    topic = make_topic(member, community)
    response = as_member.post(reverse("topic-edit", args=["pm", topic.pk]), {"title": " "})
    assert response.status_code == 400


def test_moderator_moves_a_topic_from_the_edit_page(client, community, member, moderator):
    from koinon.communities.tests.factories import GroupFactory

    group = GroupFactory(community=community)
    topic = make_topic(member, community)
    client.force_login(moderator)
    url = reverse("topic-edit", args=["pm", topic.pk])
    response = client.post(url, {"title": topic.title, "group": group.pk})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.group == group


def test_author_cannot_move_a_topic(as_member, community, member):
    from koinon.communities.tests.factories import GroupFactory

    GroupFactory(community=community)
    topic = make_topic(member, community)
    text = as_member.get(reverse("topic-edit", args=["pm", topic.pk])).content.decode()
    assert 'name="group"' not in text


def test_quote_prefills_the_reply_without_naming_anonymous_authors(
    as_member, anonymous_ok, member, mentor
):
    topic = make_question(mentor, anonymous_ok)
    post = make_reply(member, topic, body="line one\nline two", is_anonymous=True)
    text = as_member.get(topic.get_absolute_url(), {"quote": post.pk}).content.decode()
    assert "&gt; line one\n&gt; line two\n&gt; — [Anonymous member]" in text
    assert "Mia" not in text.split('id="reply-form"')[1]
    actions.do_delete_post(member, post)
    text = as_member.get(topic.get_absolute_url(), {"quote": post.pk}).content.decode()
    assert "&gt; line one" not in text
