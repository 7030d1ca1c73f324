"""@mentions: links to profiles, an activity entry naming those who may read, a
notification, and a limit for new members."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from koinon.communities.models import Visibility
from koinon.core.models import ActivityEntry
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.lib.markdown import mentioned_handles, render_markdown
from koinon.notifications.kinds import sentence
from koinon.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def mentions_logged():
    return [
        e.data["mentioned"]
        for e in ActivityEntry.objects.filter(verb="post.mentioned").order_by("pk")
    ]


def test_handles_are_found_outside_code_links_and_addresses():
    text = "Hi @Mia, see `@code` and [@link](https://x.example) or write to a@b.example (@marco)."
    assert mentioned_handles(text) == ["mia", "marco"]
    code = "```\n@mia\n```"
    assert mentioned_handles(code) == []


def test_a_mention_links_to_the_profile_and_an_unknown_handle_stays_text(member):
    html = render_markdown("Thanks @mia and @nobody_here")
    assert f'<a href="/people/{member.pk}/" class="mention"' in html
    assert ">@mia</a>" in html
    assert "@nobody_here" in html and "nobody_here</a>" not in html


def test_mentions_are_logged_only_for_readers(community, owner, member, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    make_topic(owner, community, body="Ask @mia and @otto and @olivia")
    assert mentions_logged() == [[member.pk]]  # not the outsider, not the author


def test_editing_logs_only_the_newly_mentioned(community, owner, member, mentor):
    topic = make_topic(owner, community, body="Ask @mia")
    post = topic.posts.get()
    actions.do_edit_post(owner, post, body="Ask @mia and @martina")
    assert mentions_logged() == [[member.pk], [mentor.pk]]
    actions.do_edit_post(owner, post, body="Ask @mia and @martina, please")
    assert len(mentions_logged()) == 2


def test_a_mention_notifies_and_an_anonymous_author_stays_hidden(
    commit, community, owner, member, mentor
):
    community.allow_anonymous = True
    community.save()
    topic = make_topic(owner, community, title="Kick-off")
    commit(make_reply, member, topic, body="What does @martina think?", is_anonymous=True)
    notification = Notification.objects.get(recipient=mentor, kind="mention")
    assert notification.actor_name == ""
    entry = ActivityEntry.objects.get(verb="post.mentioned")
    assert entry.actor_id is None
    with translation.override("en"):
        assert sentence(notification) == "Someone mentioned you in “Kick-off”"
    assert notification.url.endswith(f"#post-{topic.posts.last().pk}")


def test_new_members_mention_at_most_two_people(
    client, community, owner, member, mentor, moderator
):
    topic = make_topic(owner, community)
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("topic-reply", args=["pm", topic.pk])
    response = client.post(url, {"body": "@olivia @martina @marco what do you think?"})
    assert response.status_code == 400
    assert "mention at most 2 people" in response.content.decode()
    # Two mentions and two links pass: a mention is not a link.
    body = "@olivia @martina see [a](https://a.example) and [b](https://b.example)"
    assert client.post(url, {"body": body}).status_code == 302


def test_older_members_mention_freely(client, community, owner, member, mentor, moderator):
    member.date_joined -= timedelta(days=3)
    member.save()
    topic = make_topic(owner, community)
    client.force_login(member)
    url = reverse("topic-reply", args=["pm", topic.pk])
    assert client.post(url, {"body": "@olivia @martina @marco"}).status_code == 302
