"""Anonymous visitors get whole pages from the cache, until the community changes."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from koinon.communities.models import Visibility
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()


@pytest.fixture
def topic(community, member):
    return make_topic(member, community, title="Kanban limits in practice")


def _url(topic):
    return reverse("topic-detail", args=[topic.community.slug, topic.pk])


def test_a_second_anonymous_visit_runs_no_query(client, topic, django_assert_num_queries):
    first = client.get(_url(topic))
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(_url(topic))
    assert second.content == first.content


def test_anonymous_pages_carry_no_csrf_token(client, topic):
    page = client.get(_url(topic)).content.decode()
    assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page
    assert "csrftoken" not in client.cookies


def test_a_new_reply_shows_at_once(client, topic, mentor):
    client.get(_url(topic))
    make_reply(mentor, topic, body="A limit of three cards per person works for us.")
    assert "three cards per person" in client.get(_url(topic)).content.decode()


def test_a_deleted_post_leaves_the_cached_page_at_once(client, topic, mentor, moderator):
    post = make_reply(mentor, topic, body="An unfortunate sentence.")
    assert "unfortunate sentence" in client.get(_url(topic)).content.decode()
    actions.do_delete_post(moderator, post)
    assert "unfortunate sentence" not in client.get(_url(topic)).content.decode()


def test_a_community_turned_private_is_not_served_from_the_cache(client, topic, community):
    list_url = reverse("topic-list", args=[community.slug])
    assert client.get(list_url).status_code == 200
    assert client.get(_url(topic)).status_code == 200
    community.visibility = Visibility.PRIVATE
    community.save()
    assert client.get(_url(topic)).status_code in (302, 403, 404)
    assert "Kanban limits" not in client.get(list_url).content.decode()


def test_each_language_has_its_own_page(client, topic):
    english = client.get(_url(topic), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    italian = client.get(_url(topic), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert 'lang="en"' in english and 'lang="it"' in italian


def test_signed_in_people_never_get_the_cached_page(client, topic, member):
    client.get(_url(topic))  # kept for anonymous visitors
    client.force_login(member)
    page = client.get(_url(topic)).content.decode()
    assert member.display_name in page and "X-CSRFToken" in page


def test_a_visitor_with_a_session_is_served_fresh(client, topic, django_assert_max_num_queries):
    client.get(_url(topic))
    client.cookies["sessionid"] = "not-a-session"
    with django_assert_max_num_queries(50) as captured:
        client.get(_url(topic))
    assert len(captured.captured_queries) > 0


def test_the_topic_count_is_kept_until_the_community_changes(
    client, topic, community, member, mentor, moderator
):
    from koinon.moderation import actions as moderation

    list_url = reverse("topic-list", args=[community.slug])

    def count(user=None):
        reader = client
        if user is not None:
            reader = type(client)()
            reader.force_login(user)
        return reader.get(list_url).context["page"].paginator.count

    assert count(mentor) == 1
    second = make_topic(mentor, community, title="A second topic")
    assert count(mentor) == 2
    moderation.do_hide_post(moderator, second.posts.get(is_opening=True), reason="Spam")
    assert count(member) == 1  # hidden from members...
    assert count(mentor) == 2  # ...but its author still lists it
    assert count(moderator) == 2
    actions.do_set_topic_state(moderator, topic, archived=True)
    assert count(member) == 0
    assert client.get(list_url + "?kind=question").context["page"].paginator.count == 0


# --- Signed-in readers: what every reader of a topic shares is kept, not the page ---

SHARED_TABLES = (
    "polls_poll",
    "discussions_tag",
    "library_practice",
    "standards_standard",
    'FROM "discussions_post"',
    'FROM "discussions_topic" ',
    'FROM "communities_community"',
)


def test_a_member_s_second_view_reads_nothing_every_reader_shares(
    client, topic, member, mentor, django_assert_max_num_queries
):
    make_reply(mentor, topic, body="We cap work in progress at two.")
    client.force_login(member)
    url = _url(topic)
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    with django_assert_max_num_queries(40) as second:
        page = client.get(url).content.decode()
    assert "cap work in progress" in page
    shared = [q["sql"] for q in second if any(t in q["sql"] for t in SHARED_TABLES)]
    assert shared == []
    # The topic, its posts, reply count, tags, badges, poll, practices.
    assert len(second) <= len(first) - 7


def test_a_member_sees_new_tags_polls_and_replies_at_once(client, topic, member, mentor):
    from koinon.polls.actions import do_create_poll

    client.force_login(member)
    client.get(_url(topic))
    actions.do_edit_topic(member, topic, tags=["wip-limits"])
    do_create_poll(member, topic, question="Which limit works?", options=["Two", "Three"])
    make_reply(mentor, topic, body="Three cards, no more.")
    page = client.get(_url(topic)).content.decode()
    assert "wip-limits" in page
    assert "Which limit works?" in page
    assert "Three cards, no more." in page


def test_a_member_sees_moderation_at_once(client, topic, member, mentor, moderator):
    from koinon.moderation import actions as moderation

    reply = make_reply(mentor, topic, body="Buy cheap watches here.")
    client.force_login(member)
    page = client.get(_url(topic)).content.decode()
    assert "cheap watches" in page and 'id="reply-form"' in page
    moderation.do_hide_post(moderator, reply, reason="Spam")
    moderation.do_lock_topic(moderator, topic)
    page = client.get(_url(topic)).content.decode()
    assert "cheap watches" not in page
    assert 'id="reply-form"' not in page


def test_a_member_sees_an_edit_and_a_move_at_once(client, topic, community, member, moderator):
    from koinon.communities.actions import do_create_group

    group = do_create_group(moderator, community, name="Lean teams", slug="lean", kind="working")
    opening = topic.posts.get(is_opening=True)
    client.force_login(member)
    client.get(_url(topic))
    actions.do_edit_post(member, opening, body="Edited: we cap work in progress at three.")
    actions.do_move_topic(moderator, topic, group)
    page = client.get(_url(topic)).content.decode()
    assert "cap work in progress at three" in page
    assert "Lean teams" in page


def test_leaving_a_private_community_closes_its_topics_at_once(client, topic, community, member):
    from koinon.communities.actions import do_leave_community

    community.visibility = Visibility.PRIVATE
    community.save()
    client.force_login(member)
    assert client.get(_url(topic)).status_code == 200
    do_leave_community(member, community)
    assert client.get(_url(topic)).status_code in (403, 404)


def test_an_erased_author_s_name_leaves_the_kept_posts_at_once(client, topic, member, mentor):
    from koinon.accounts.actions import do_erase_account

    make_reply(mentor, topic, body="Three cards, no more.")
    client.force_login(member)
    assert mentor.display_name in client.get(_url(topic)).content.decode()
    do_erase_account(mentor)
    page = client.get(_url(topic)).content.decode()
    assert "Three cards, no more." in page
    assert mentor.display_name not in page


def test_each_member_gets_the_shared_reply_form_with_their_own_token(client, topic, member, mentor):
    from koinon.core.tests.test_shared_fragments import holds_token_of

    pages = {}
    for person in (member, mentor):
        reader = type(client)()
        reader.force_login(person)
        html = reader.get(_url(topic)).content.decode()
        form = html[html.index('id="reply-form"') :]
        pages[person.pk] = (form, reader.cookies["csrftoken"].value)
    (first, first_secret), (second, second_secret) = pages.values()
    assert holds_token_of(first, first_secret) and holds_token_of(second, second_secret)
    assert not holds_token_of(second, first_secret)


def test_a_block_or_a_role_changed_anywhere_shows_at_once(
    client, topic, community, member, moderator
):
    from koinon.communities.models import Membership
    from koinon.moderation import actions as moderation

    list_url = reverse("topic-list", args=[community.slug])
    client.force_login(member)
    assert 'id="reply-form"' in client.get(_url(topic)).content.decode()
    assert (
        "New topic or question" in client.get(list_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    block = moderation.do_block(moderator, community, member, reason="Cooling off")
    assert 'id="reply-form"' not in client.get(_url(topic)).content.decode()
    assert (
        "New topic or question"
        not in client.get(list_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    block.delete()  # as the admin would: no action, no activity entry
    assert 'id="reply-form"' in client.get(_url(topic)).content.decode()
    membership = Membership.objects.get(community=community, user=member)
    membership.role = "moderator"
    membership.save()
    assert 'class="moderation"' in client.get(_url(topic)).content.decode()
    membership.delete()
    assert 'id="reply-form"' not in client.get(_url(topic)).content.decode()


def test_the_listed_topics_are_kept_for_readers_who_see_everyone_s_list(
    client, topic, community, member, mentor, moderator, django_assert_max_num_queries
):
    from koinon.moderation import actions as moderation

    list_url = reverse("topic-list", args=[community.slug])
    hidden = make_topic(mentor, community, title="Buy cheap watches")
    moderation.do_hide_post(moderator, hidden.posts.get(is_opening=True), reason="Spam")

    def titles(user):
        reader = type(client)()
        reader.force_login(user)
        reader.get(list_url)
        with django_assert_max_num_queries(20) as second:
            page = reader.get(list_url).content.decode()
        topic_rows = [q["sql"] for q in second if 'FROM "discussions_topic" ' in q["sql"]]
        return ("Kanban limits" in page, "cheap watches" in page), topic_rows

    assert titles(member) == ((True, False), [])  # everyone's list, kept
    shown, rows = titles(mentor)  # their own hidden topic too: read for them
    assert shown == (True, True) and rows
    shown, rows = titles(moderator)
    assert shown == (True, True) and rows
    make_topic(mentor, community, title="Retrospectives that work")
    client.force_login(member)
    assert "Retrospectives that work" in client.get(list_url).content.decode()


def test_kept_listed_topics_carry_their_tags_as_names_not_querysets(client, topic, member):
    """A prefetched QuerySet per topic made the kept list slow to read back."""
    import pickle

    from koinon.lib import page_cache

    actions.do_edit_topic(member, topic, tags=["wip-limits", "flow"])
    list_url = reverse("topic-list", args=[topic.community.slug])
    client.force_login(member)
    client.get(list_url)  # keeps the list
    page = client.get(list_url).content.decode()  # from the kept list
    assert "#wip-limits" in page and "#flow" in page and "?tag=wip-limits" in page
    slug = topic.community.slug
    _generation, kept = page_cache._kept(slug, page_cache._value_key(slug, "listed-topics:page:1"))
    (listed,) = kept
    (shown,) = [t for t in listed if t.pk == topic.pk]
    assert sorted(shown.tag_names) == ["flow", "wip-limits"]
    assert "_prefetched_objects_cache" not in shown.__dict__
    assert b"QuerySet" not in pickle.dumps(listed)


def test_a_member_s_pages_read_their_kept_values_at_once(client, topic, community, member):
    from koinon.lib import cache_reads

    reads = []
    real = cache_reads.cache

    class Counting:
        def get_many(self, keys):
            reads.append(keys)
            return real.get_many(keys)

        def __getattr__(self, name):
            return getattr(real, name)

    client.force_login(member)
    list_url = reverse("topic-list", args=[community.slug])
    for url, at_most in ((_url(topic), 2), (list_url, 1)):
        client.get(url)  # computes and keeps them
        reads.clear()
        cache_reads.cache = Counting()
        try:
            assert client.get(url).status_code == 200
        finally:
            cache_reads.cache = real
        # One read for the topic, the membership, the counts, tags, poll and links, and
        # the reader's unread counts of the header; then, on a topic, one for the posts
        # of the page with their authors' badges, their reactions, the reader's marks and
        # the reply form.
        assert 1 <= len(reads) <= at_most
        assert len(reads[0]) >= 5
        first = " ".join(reads[0])
        assert "person-count:unread-notifications" in first
        assert "person-count:unread-messages" in first
    topic_reads = []
    cache_reads.cache = Counting()
    try:
        reads.clear()
        client.get(_url(topic))
        topic_reads = [" ".join(keys) for keys in reads]
    finally:
        cache_reads.cache = real
    assert len(topic_reads) == 2
    assert all(name in topic_reads[1] for name in ("posts-and-badges", "reactions", "marks"))
    assert "fragment:shared:" in topic_reads[1]  # the empty reply form, with them


def test_reactions_and_flags_show_at_once_each_to_its_reader(client, topic, member, mentor):
    from koinon.moderation import actions as moderation

    reply = make_reply(mentor, topic, body="Three cards, no more.")

    def seen_by(user):
        reader = type(client)()
        reader.force_login(user)
        page = reader.get(_url(topic)).content.decode()
        post = page[page.index(f'id="post-{reply.pk}"') :]
        return post.count('aria-pressed="true"'), "You flagged this post." in post

    assert seen_by(member) == (0, False) and seen_by(mentor) == (0, False)
    actions.do_add_reaction(member, reply, "helpful")
    moderation.do_flag_post(member, reply, reason="off_topic")
    assert seen_by(member) == (1, True)
    assert seen_by(mentor) == (0, False)
    actions.do_remove_reaction(member, reply, "helpful")
    assert seen_by(member) == (0, True)


def test_a_bump_is_repeated_when_the_change_commits(django_capture_on_commit_callbacks):
    """A request that reads between the change and its commit keeps the old value under
    the new generation; the second bump drops it."""
    from koinon.lib import page_cache

    with django_capture_on_commit_callbacks(execute=True):
        page_cache.bump_community("pm")
        assert cache.get("pages:generation:pm") == 1
    assert cache.get("pages:generation:pm") == 2


def test_a_refused_reply_without_htmx_keeps_the_reader_s_text_and_says_why(client, topic, member):
    """The empty reply form is shared by every reader; a bound one is the reader's own."""
    client.force_login(member)
    assert 'id="reply-form"' in client.get(_url(topic)).content.decode()  # keeps the form
    reply = reverse("topic-reply", args=[topic.community.slug, topic.pk])
    response = client.post(reply, {"body": "Too long. " * 4000})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Too long. Too long." in page
    errors = page[page.index('id="reply-form"') :]
    assert 'class="errorlist" id="id_body_error"' in errors, "the body's error, by the field"
    fresh = client.get(_url(topic)).content.decode()
    assert "Too long. Too long." not in fresh  # the shared empty form again
