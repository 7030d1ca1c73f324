"""The daily limit of flags, the moderators' notice when flags hide a post, and the audit
log's index, verb filter and bounded queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.lib.errors import ActionError
from koinon.moderation import actions
from koinon.moderation.models import Flag, flags_per_day
from koinon.notifications.models import Channel, Notification, Preference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def posts(topic, mentor):
    return [make_reply(mentor, topic, body=f"Reply number {n}") for n in range(4)]


def api(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- The daily limit of flags --------------------------------------------------------


def test_the_default_is_discourses_max_flags_per_day():
    assert flags_per_day() == 20  # reliability.md: max_flags_per_day 20


def test_a_person_may_flag_n_posts_a_day_per_community(posts, member, settings):
    settings.MODERATION_FLAGS_PER_DAY = 2
    actions.do_flag_post(member, posts[0], reason="spam")
    actions.do_flag_post(member, posts[1], reason="spam")
    with pytest.raises(ActionError) as refused:
        actions.do_flag_post(member, posts[2], reason="spam")
    assert refused.value.status == 429 and refused.value.code == "rate_limited"
    assert "at most 2 posts a day in this community" in str(refused.value.message)
    assert 23 * 3600 < refused.value.retry_after <= 24 * 3600
    assert Flag.objects.filter(user=member).count() == 2


def test_flags_older_than_a_day_and_other_communities_do_not_count(posts, member, mentor, settings):
    settings.MODERATION_FLAGS_PER_DAY = 2
    actions.do_flag_post(member, posts[0], reason="spam")
    actions.do_flag_post(member, posts[1], reason="spam")
    Flag.objects.filter(post=posts[0]).update(created_at=timezone.now() - timedelta(hours=25))
    actions.do_flag_post(member, posts[2], reason="spam")  # the first one left the window
    other = CommunityFactory(slug="other")
    MembershipFactory(community=other, user=member)
    MembershipFactory(community=other, user=mentor)
    elsewhere = make_reply(mentor, make_topic(mentor, other), body="Elsewhere")
    actions.do_flag_post(member, elsewhere, reason="spam")  # a limit per community


def test_the_wait_is_until_the_oldest_flag_leaves_the_day(posts, member, settings):
    settings.MODERATION_FLAGS_PER_DAY = 2
    actions.do_flag_post(member, posts[0], reason="spam")
    actions.do_flag_post(member, posts[1], reason="spam")
    Flag.objects.filter(post=posts[0]).update(created_at=timezone.now() - timedelta(hours=23))
    with pytest.raises(ActionError) as refused:
        actions.do_flag_post(member, posts[2], reason="spam")
    assert 3500 < refused.value.retry_after <= 3600
    assert "1 hour" in str(refused.value.message) or "60 minutes" in str(refused.value.message)


def test_moderators_are_not_limited(posts, moderator, settings):
    settings.MODERATION_FLAGS_PER_DAY = 1
    for post in posts:
        actions.do_flag_post(moderator, post, reason="spam")
    assert Flag.objects.filter(user=moderator).count() == len(posts)


def test_the_flag_page_answers_429_with_retry_after(client, posts, member, settings):
    settings.MODERATION_FLAGS_PER_DAY = 1
    client.force_login(member)
    first = client.post(reverse("post-flag", args=[posts[0].pk]), {"reason": "spam"})
    assert first.status_code == 302
    for extra in ({}, HTMX):
        response = client.post(
            reverse("post-flag", args=[posts[1].pk]), {"reason": "spam"}, **extra
        )
        assert response.status_code == 429
        assert "You can flag at most 1 post a day in this community" in response.content.decode()
        assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert Flag.objects.filter(user=member).count() == 1


def test_the_flag_api_answers_429_with_retry_after(posts, member, settings):
    settings.MODERATION_FLAGS_PER_DAY = 1
    client = api(member)

    def flag(post):
        return client.post(
            f"/api/v1/posts/{post.pk}/flags", {"reason": "spam"}, content_type="application/json"
        )

    assert flag(posts[0]).status_code == 201
    response = flag(posts[1])
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited" and "at most 1 post a day" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 24 * 3600


# --- The moderators hear when flags hide a post -----------------------------------------


def _hide_by_flags(reply, flaggers):
    for person in flaggers:
        actions.do_flag_post(person, reply, reason="spam", text=f"Said {person.display_name}")
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_by is None


def test_moderators_are_notified_when_flags_hide_a_post(
    reply, flaggers, moderator, owner, member, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _hide_by_flags(reply, flaggers)
    notices = Notification.objects.filter(kind="post_hidden_by_flags")
    assert set(notices.values_list("recipient_id", flat=True)) == {moderator.pk, owner.pk}
    notice = notices.get(recipient=moderator)
    assert notice.actor_name == ""  # no flagger named
    assert notice.subject == reply.topic.title
    assert notice.url == reverse("moderation-queue", args=["pm"])
    # Nobody else hears of it: not the flaggers, not the author, not the members.
    others = [*flaggers, mentor, member]
    assert not Notification.objects.filter(kind="post_hidden_by_flags", recipient__in=others)


def test_the_bell_says_it_without_naming_the_flaggers(
    client, reply, flaggers, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _hide_by_flags(reply, flaggers)
    client.force_login(moderator)
    text = client.get(reverse("notifications")).content.decode()
    assert "flags hid a post in “Budget planning for small teams”" in text
    assert "Flagger" not in text


def test_e_mail_follows_the_moderators_preference(
    reply, flaggers, moderator, owner, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=moderator, kind="post_hidden_by_flags", channel=Channel.EMAIL)
    Preference.objects.create(user=owner, kind="post_hidden_by_flags", channel=Channel.OFF)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _hide_by_flags(reply, flaggers)
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert "Budget planning for small teams" in mail.outbox[0].body
    assert "Flagger" not in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=owner).exists()  # switched off


def test_a_moderators_own_hide_notifies_nobody(
    reply, moderator, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_hide_post(moderator, reply, reason="Spam")
        actions.do_flag_post(owner, make_reply(moderator, reply.topic), reason="spam")
    assert not Notification.objects.filter(kind="post_hidden_by_flags").exists()


# --- The audit log: its index, its verb filter, its bounded queries ---------------------


def test_the_activity_log_has_an_index_for_the_audit_page():
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, ActivityEntry._meta.db_table)
    index = found["activity_verb_idx"]
    assert index["index"] and index["columns"] == ["community_id", "verb", "created_at"]


def _many_entries(community, topic, moderator, flaggers, count):
    """`count` audit entries of several kinds, and as many member entries beside them."""
    posts = [make_reply(flaggers[0], topic, body=f"p{n}") for n in range(count // 3)]
    for n, post in enumerate(posts):
        actions.do_hide_post(moderator, post, reason=f"r{n}")
        actions.do_restore_post(moderator, post)
        actions.do_lock_topic(moderator, topic, locked=n % 2 == 0)
    actions.do_block(moderator, community, flaggers[1], reason="Spam")
    return posts


def test_the_audit_page_is_bounded_with_many_entries(
    client, community, topic, moderator, flaggers, django_assert_max_num_queries
):
    _many_entries(community, topic, moderator, flaggers, 120)
    client.force_login(moderator)
    url = reverse("moderation-audit", args=["pm"])
    for query in (
        "",
        "?page=2",
        "?verb=moderation.post_hidden",
        "?verb=moderation.post_hidden&page=2",
    ):
        with django_assert_max_num_queries(20, info=f"audit page {query or 1}"):
            response = client.get(url + query)
        assert response.status_code == 200


def test_the_audit_page_filters_by_verb(client, community, topic, moderator, flaggers):
    _many_entries(community, topic, moderator, flaggers, 6)
    client.force_login(moderator)
    url = reverse("moderation-audit", args=["pm"])
    text = client.get(url + "?verb=moderation.person_blocked").content.decode()
    rows = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Blocked a person" in rows and "Hid a post" not in rows and "Closed a topic" not in rows
    rows = client.get(url).content.decode().split("<tbody>", 1)[1]
    assert "Blocked a person" in rows and "Hid a post" in rows
    # An unknown verb is no filter at all, never an error.
    assert client.get(url + "?verb=nonsense").status_code == 200


def test_the_audit_api_filters_by_verb_and_is_bounded(
    community, topic, moderator, flaggers, django_assert_max_num_queries
):
    _many_entries(community, topic, moderator, flaggers, 60)
    client = api(moderator)
    url = "/api/v1/communities/pm/moderation/audit"
    with django_assert_max_num_queries(20):
        response = client.get(url + "?verb=moderation.post_restored&page_size=100")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 20 and {i["verb"] for i in items} == {"moderation.post_restored"}
    assert client.get(url + "?verb=nonsense").status_code == 400
    assert client.get(url).json()["count"] > 60


# --- Search: a hidden topic's replies leave the index with it ----------------------------


def test_hiding_the_opening_post_unindexes_the_whole_topic(topic, mentor, moderator):
    from koinon.search.models import Document

    reply = make_reply(mentor, topic, body="Quarterly envelopes work")
    opening = topic.posts.get(is_opening=True)
    assert Document.objects.filter(post__topic=topic).count() == 2
    actions.do_hide_post(moderator, reply)
    actions.do_hide_post(moderator, opening)
    assert not Document.objects.filter(post__topic=topic).exists()
    actions.do_restore_post(moderator, reply)  # its topic is still hidden: not found yet
    assert not Document.objects.filter(post__topic=topic).exists()
    actions.do_restore_post(moderator, opening)
    assert set(Document.objects.values_list("post_id", flat=True)) == {opening.pk, reply.pk}


def test_a_limit_of_zero_turns_the_check_off(posts, member, settings):
    settings.MODERATION_FLAGS_PER_DAY = 0
    for post in posts:
        actions.do_flag_post(member, post, reason="spam")
    assert Flag.objects.filter(user=member).count() == len(posts)


# --- Replies and mentions in a hidden topic reach its author and the moderators only -----


def test_replies_in_a_hidden_topic_notify_only_who_sees_it(
    topic, member, mentor, moderator, owner, django_capture_on_commit_callbacks
):
    from koinon.discussions import actions as discussions

    with django_capture_on_commit_callbacks(execute=True):
        make_reply(mentor, topic, body="I watch this now")  # Martina watches what she wrote in
        actions.do_hide_post(moderator, topic.posts.get(is_opening=True), reason="Spam")
        discussions.do_reply(moderator, topic, body="Under review, @olivia and @martina")
    replies = Notification.objects.filter(kind="reply", entry__verb="post.created")
    latest = replies.filter(entry__target_id=topic.posts.latest("id").pk)
    assert set(latest.values_list("recipient_id", flat=True)) == {member.pk}  # the author
    mentions = Notification.objects.filter(kind="mention")
    mentioned = set(mentions.values_list("recipient_id", flat=True))
    assert owner.pk in mentioned and mentor.pk not in mentioned
