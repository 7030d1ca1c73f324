import pytest
from django.urls import reverse

from koinon.core.models import ActivityEntry
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.moderation import actions
from koinon.moderation.models import Block, Flag

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


# --- Flagging from the topic page ----------------------------------------------------


def test_the_topic_page_offers_a_flag_form(client, member, reply):
    """The page links each post's flag form; the box fetches it when first opened."""
    client.force_login(member)
    text = client.get(reply.topic.get_absolute_url()).content.decode()
    url = reverse("post-flag", args=[reply.pk])
    assert f'hx-get="{url}"' in text and f'<a href="{url}">' in text
    assert "Inappropriate or abusive" not in text  # not rendered once per post
    form = client.get(url, **HTMX)
    assert form.status_code == 200 and "<html" not in form.content.decode()
    assert f'action="{url}"' in form.content.decode()
    assert "Inappropriate or abusive" in form.content.decode()
    page = client.get(url).content.decode()  # without JavaScript: the flag page
    assert "<html" in page and "Inappropriate or abusive" in page


def test_no_flag_form_on_your_own_post_or_for_visitors(client, mentor, reply):
    flag_url = reverse("post-flag", args=[reply.pk])
    assert flag_url not in client.get(reply.topic.get_absolute_url()).content.decode()
    client.force_login(mentor)
    assert flag_url not in client.get(reply.topic.get_absolute_url()).content.decode()


def test_flag_with_htmx(client, member, reply):
    client.force_login(member)
    url = reverse("post-flag", args=[reply.pk])
    response = client.post(url, {"reason": "spam"}, **HTMX)
    assert response.status_code == 200
    assert "moderators will review" in response.content.decode()
    assert Flag.objects.filter(user=member, post=reply).exists()
    again = client.post(url, {"reason": "spam"}, **HTMX)
    assert again.status_code == 409 and "already flagged" in again.content.decode()
    page = client.get(reply.topic.get_absolute_url()).content.decode()
    assert "You flagged this post." in page


def test_flag_without_javascript_redirects(client, member, reply):
    client.force_login(member)
    response = client.post(reverse("post-flag", args=[reply.pk]), {"reason": "off_topic"})
    assert response.status_code == 302 and response.url == reply.get_absolute_url()


@pytest.mark.parametrize("data", [{}, {"reason": "bogus"}, {"reason": "other", "text": ""}])
def test_bad_flag_is_a_form_error(client, member, reply, data):
    client.force_login(member)
    response = client.post(reverse("post-flag", args=[reply.pk]), data)
    assert response.status_code == 400
    assert not Flag.objects.exists()


def test_flag_own_post_is_refused(client, mentor, reply):
    client.force_login(mentor)
    response = client.post(reverse("post-flag", args=[reply.pk]), {"reason": "spam"})
    assert response.status_code == 403


def test_visitor_is_sent_to_log_in(client, reply):
    response = client.post(reverse("post-flag", args=[reply.pk]), {"reason": "spam"})
    assert response.status_code == 302 and "login" in response.url


# --- Hidden posts in the topic page, the list, the history and quotes ----------------


def test_hidden_post_shows_as_hidden_to_members(client, member, mentor, moderator, reply):
    actions.do_hide_post(moderator, reply, reason="Spam")
    client.force_login(member)
    text = client.get(reply.topic.get_absolute_url()).content.decode()
    assert "spam dot example" not in text
    assert "hidden pending review" in text
    assert (
        "spam dot example"
        not in client.get(reply.topic.get_absolute_url() + f"?quote={reply.pk}").content.decode()
    )
    assert client.get(reverse("post-history", args=[reply.pk])).status_code == 404
    # The author and the moderators still read it, marked.
    for person in (mentor, moderator):
        client.force_login(person)
        text = client.get(reply.topic.get_absolute_url()).content.decode()
        assert "spam dot example" in text and "Hidden pending review" in text


def test_hidden_topic_leaves_the_topic_list(client, member, moderator, community):
    topic = make_topic(member, community, title="Offensive title here")
    actions.do_hide_post(moderator, topic.posts.get(), reason="Abusive")
    list_url = reverse("topic-list", args=["pm"])
    assert "Offensive title here" not in client.get(list_url).content.decode()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Offensive title here" not in page and "Topic hidden pending review" in page
    client.force_login(moderator)
    assert "Offensive title here" in client.get(list_url).content.decode()
    assert "Offensive title here" in client.get(topic.get_absolute_url()).content.decode()


def test_moderator_hides_and_restores_with_htmx(client, moderator, reply):
    client.force_login(moderator)
    response = client.post(reverse("post-hide", args=[reply.pk]), {"reason": "x"}, **HTMX)
    assert response.status_code == 200 and "Hidden pending review" in response.content.decode()
    response = client.post(reverse("post-restore", args=[reply.pk]), **HTMX)
    assert response.status_code == 200
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_members_cannot_hide(client, member, reply):
    client.force_login(member)
    assert client.post(reverse("post-hide", args=[reply.pk])).status_code == 403


# --- Queue ---------------------------------------------------------------------------


def test_non_moderators_are_refused_the_queue(client, member, outsider, community):
    url = reverse("moderation-queue", args=["pm"])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_community_page_links_the_queue_for_moderators(client, member, moderator, community):
    url = reverse("moderation-queue", args=["pm"])
    client.force_login(member)
    assert url not in client.get(community.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert url in client.get(community.get_absolute_url()).content.decode()


def test_queue_lists_flagged_posts_oldest_first(client, moderator, flaggers, topic, mentor):
    first = make_reply(mentor, topic, body="First bad post")
    second = make_reply(mentor, topic, body="Second bad post")
    actions.do_flag_post(flaggers[1], second, reason="spam")
    actions.do_flag_post(flaggers[0], first, reason="other", text="Looks like an advert")
    actions.do_flag_post(flaggers[1], first, reason="spam")
    Flag.objects.filter(post=second).update(
        created_at=Flag.objects.get(post=first, user=flaggers[0]).created_at.replace(year=2020)
    )
    client.force_login(moderator)
    text = client.get(reverse("moderation-queue", args=["pm"])).content.decode()
    assert text.index("Second bad post") < text.index("First bad post")
    assert "2 flags" in text and "Looks like an advert" in text and "Spam ×1" in text
    assert "Budget planning" not in text.split("<h1")[1].split("queue-item")[0]
    assert text.count('class="queue-item"') == 2  # unflagged posts stay out


def test_review_from_the_queue(client, moderator, member, reply):
    actions.do_flag_post(member, reply, reason="spam")
    client.force_login(moderator)
    url = reverse("moderation-review", args=["pm", reply.pk])
    response = client.post(url, {"decision": "restore", "reason": "Fine"}, **HTMX)
    assert response.status_code == 200 and "restored" in response.content.decode()
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert client.post(url, {"decision": "nuke"}).status_code == 400
    assert client.post(url, {"decision": "restore"}).status_code == 409


def test_review_of_another_communitys_post_is_404(client, moderator, reply):
    from koinon.communities.tests.factories import CommunityFactory, MembershipFactory

    other = CommunityFactory(slug="other")
    MembershipFactory(community=other, user=moderator, role="moderator")
    client.force_login(moderator)
    url = reverse("moderation-review", args=["other", reply.pk])
    assert client.post(url, {"decision": "hide"}).status_code == 404


def test_lock_from_the_queue(client, moderator, topic):
    client.force_login(moderator)
    url = reverse("moderation-lock", args=["pm", topic.pk])
    response = client.post(url, {"locked": "1", "reason": "Heated", "next": "queue"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.closed


def test_queue_queries_do_not_grow_with_flags(client, moderator, flaggers, topic, mentor):
    url = reverse("moderation-queue", args=["pm"])
    client.force_login(moderator)
    actions.do_flag_post(flaggers[0], make_reply(mentor, topic, body="one"), reason="spam")
    client.get(url)
    few = queries_for(client, url)
    for n in range(10):
        post = make_reply(mentor, topic, body=f"bad {n}")
        for person in flaggers[:2]:
            actions.do_flag_post(person, post, reason="spam", text="why")
    many = queries_for(client, url)
    assert many == few, "queue: queries per flagged post?"


# --- Audit log -------------------------------------------------------------------------


def test_audit_log_shows_who_what_when_why(client, moderator, member, reply, flaggers):
    actions.do_hide_post(moderator, reply, reason="Obvious spam")
    actions.do_block(moderator, reply.topic.community, flaggers[0], reason="Spammer")
    client.force_login(moderator)
    text = client.get(reverse("moderation-audit", args=["pm"])).content.decode()
    assert "Hid a post" in text and "Obvious spam" in text and "Marco" in text
    assert "Blocked a person" in text and "Flagger 0" in text
    client.force_login(member)
    assert client.get(reverse("moderation-audit", args=["pm"])).status_code == 403


def _audit_rows(page: str) -> str:
    """The audit log table's rows, without the filter above it."""
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""


def test_audit_log_includes_topic_page_actions_once(client, moderator, topic, member):
    from koinon.discussions import actions as discussions

    discussions.do_delete_post(member, make_reply(member, topic, body="own"))
    discussions.do_set_topic_state(moderator, topic, pinned=True)
    actions.do_lock_topic(moderator, topic, locked=True, reason="Heated")
    client.force_login(moderator)
    page = client.get(reverse("moderation-audit", args=["pm"])).content.decode()
    text = _audit_rows(page)  # the verb filter's options name every action too
    assert "Changed the state of a topic" in text  # pinned from the topic page
    assert text.count("Closed a topic") == 1 and "Heated" in text
    assert text.count("Changed the state of a topic") == 1  # the lock's echo is dropped
    assert "Deleted someone else" not in text  # deleting one's own post is no moderation


def test_audit_queries_do_not_grow(client, moderator, topic, mentor, flaggers):
    url = reverse("moderation-audit", args=["pm"])
    client.force_login(moderator)
    posts = [make_reply(mentor, topic, body=f"x{n}") for n in range(9)]
    actions.do_hide_post(moderator, posts[0])
    actions.do_block(moderator, topic.community, flaggers[0], reason="b")
    actions.do_lock_topic(moderator, topic, locked=True)
    client.get(url)
    few = queries_for(client, url)
    for n, post in enumerate(posts[1:]):
        actions.do_hide_post(moderator, post, reason=f"r{n}")
        actions.do_lock_topic(moderator, topic, locked=n % 2 == 1)
    actions.do_block(moderator, topic.community, flaggers[1], reason="b")
    many = queries_for(client, url)
    assert many == few, "audit: queries per entry?"


# --- Blocks ------------------------------------------------------------------------------


def test_block_and_unblock_pages(client, moderator, flaggers, community):
    client.force_login(moderator)
    url = reverse("moderation-blocks", args=["pm"])
    person = flaggers[0]
    page = client.get(url + f"?user={person.pk}")
    assert page.status_code == 200 and "Flagger 0" in page.content.decode()
    response = client.post(url, {"user": person.pk, "reason": "Insults", "ends_on": ""})
    assert response.status_code == 302
    block = Block.objects.get()
    assert block.user == person and block.ends_at is None
    assert "Insults" in client.get(url).content.decode()
    response = client.post(reverse("moderation-unblock", args=["pm", block.pk]))
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.lifted_at is not None
    assert ActivityEntry.objects.filter(verb="moderation.person_unblocked").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "x"},
        {"user": "999999", "reason": "x"},
        {"user": "SELF", "reason": "x"},
        {"user": "P", "reason": ""},
        {"user": "P", "reason": "x", "ends_on": "2001-01-01"},
        {"user": "P", "reason": "x", "ends_on": "not a date"},
    ],
)
def test_bad_block_is_a_form_error(client, moderator, flaggers, data):
    client.force_login(moderator)
    data = dict(data)
    if data.get("user") == "SELF":
        data["user"] = moderator.pk
    elif data.get("user") == "P":
        data["user"] = flaggers[0].pk
    response = client.post(reverse("moderation-blocks", args=["pm"]), data)
    assert response.status_code == 400
    assert not Block.objects.exists()


def test_blocked_member_sees_no_reply_form_and_is_refused(client, moderator, flaggers, topic):
    person = flaggers[0]
    actions.do_block(moderator, topic.community, person, reason="x")
    client.force_login(person)
    page = client.get(topic.get_absolute_url())
    assert page.status_code == 200
    assert 'id="reply-form"' not in page.content.decode()
    response = client.post(reverse("topic-reply", args=["pm", topic.pk]), {"body": "hi"})
    assert response.status_code == 403
    assert client.get(reverse("topic-create", args=["pm"])).status_code == 403
