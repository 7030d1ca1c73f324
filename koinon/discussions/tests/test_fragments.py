"""Rendered posts shared in the cache by readers who would see the same HTML."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from koinon.discussions import actions, fragments
from koinon.discussions.models import Reaction
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.moderation import actions as moderation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.FRAGMENT_SECONDS = 3600
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """How many posts were rendered, not taken from the cache."""
    count = {"n": 0}
    from koinon.lib import fragments as lib_fragments

    get_template = lib_fragments.get_template

    class Counting:
        def __init__(self, template):
            self.template = template

        def __getattr__(self, name):
            return getattr(self.template, name)

        def render(self, *args, **kwargs):
            count["n"] += 1
            return self.template.render(*args, **kwargs)

    def counting_get_template(name):
        template = get_template(name)
        return Counting(template) if name == fragments.POST_TEMPLATE else template

    monkeypatch.setattr(lib_fragments, "get_template", counting_get_template)
    return count


@pytest.fixture
def topic(community, mentor, owner):
    topic = make_topic(mentor, community, title="Estimating small projects")
    for n in range(4):
        make_reply(owner, topic, body=f"Reply number {n} about estimates.")
    return topic


def page(user, topic, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client.get(topic.get_absolute_url()).content.decode()


def post_html(text, post):
    start = text.index(f'<article id="post-{post.pk}"')
    return text[start : text.index("</article>", start)]


def test_readers_with_the_same_rights_share_the_rendered_posts(topic, member, renders):
    from koinon.communities.tests.factories import MembershipFactory

    page(member, topic)
    assert renders["n"] == 5
    other = MembershipFactory(community=topic.community).user
    text = page(other, topic)
    assert renders["n"] == 5  # every post from the cache
    assert "Reply number 3 about estimates." in text


def test_what_is_personal_is_never_shared(topic, member, mentor, moderator):
    reply = topic.posts.filter(is_opening=False).first()
    actions.do_add_reaction(member, reply, "helpful")
    mine, other, author, mod = (
        page(member, topic),
        page(mentor, topic),  # the topic's author, not the reply's
        page(reply.author, topic),
        page(moderator, topic),
    )
    assert 'aria-pressed="true"' in post_html(mine, reply)
    assert 'aria-pressed="true"' not in post_html(other, reply)
    edit = reverse("post-edit", args=[reply.pk])
    assert edit in post_html(author, reply) and edit not in post_html(mine, reply)
    hide = reverse("post-hide", args=[reply.pk])
    assert hide in post_html(mod, reply) and hide not in post_html(mine, reply)


def test_each_reader_gets_their_own_csrf_token(topic, member, owner):
    reply = topic.posts.filter(is_opening=False).first()
    first = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    first.force_login(member)
    page(owner, topic)  # fills the cache with another reader's render
    text = first.get(topic.get_absolute_url()).content.decode()
    assert fragments.CSRF_MARK not in text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', post_html(text, reply))
    response = first.post(
        reverse("post-react", args=[reply.pk]),
        {"kind": "thanks", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assert Reaction.objects.filter(user=member, post=reply, kind="thanks").exists()


def test_changes_show_at_once(topic, member, owner, moderator):
    reply = topic.posts.filter(is_opening=False).first()
    assert "Reply number 0" in page(member, topic)
    actions.do_edit_post(owner, reply, body="A better estimate, edited.")
    text = page(member, topic)
    assert "A better estimate, edited." in text and "Reply number 0" not in text
    actions.do_add_reaction(moderator, reply, "insightful")
    assert re.search(r"Insightful <span>1</span>", post_html(page(member, topic), reply))
    moderation.do_hide_post(moderator, reply, reason="Check")
    assert "A better estimate" not in page(member, topic)
    assert "A better estimate" in page(moderator, topic)


def test_each_language_has_its_own_render(topic, member):
    member.language = "en"
    member.save()
    assert ">Quote<" in page(member, topic)
    member.language = "it"
    member.save()
    italian = page(member, topic, "it")
    assert "Cita" in italian and ">Quote<" not in italian


def test_anonymous_pages_still_carry_no_csrf_token(topic):
    text = page(None, topic)
    assert "csrfmiddlewaretoken" not in text and fragments.CSRF_MARK not in text


def test_with_the_cache_off_every_post_is_rendered(topic, member, renders, settings):
    settings.FRAGMENT_SECONDS = 0
    page(member, topic)
    page(member, topic)
    assert renders["n"] == 10


def test_topic_list_rows_are_shared_and_keep_each_readers_marks(member, moderator, topic):
    url = reverse("topic-list", args=[topic.community.slug])

    def row(user):
        reader = Client(HTTP_ACCEPT_LANGUAGE="en")
        reader.force_login(user)
        text = reader.get(url).content.decode()
        start = text.index('<li class="topic-item">')
        return text[start : text.index("</li>", start)]

    assert "New</span>" in row(member) and "New</span>" in row(moderator)
    page(member, topic)  # read: no mark for them, still one for the moderator
    assert "New" not in row(member) and "New</span>" in row(moderator)
    actions.do_set_subscription(member, topic, "mute")
    assert "Muted" in row(member) and "Muted" not in row(moderator)
    make_reply(moderator, topic, body="One more estimate.")
    assert "5 replies" in row(member)
    topic.refresh_from_db()
    actions.do_edit_topic(topic.author, topic, title="Estimating tiny projects", label="", tags="")
    assert "Estimating tiny projects" in row(member)
