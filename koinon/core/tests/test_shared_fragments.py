"""`{% shared_fragment %}`: one render for every reader with the same values, never one
reader's token, nonce or name in another's page."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _does_token_match
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory

from koinon.lib import fragments

BLOCK = Template(
    "{% load shared_fragments %}{% shared_fragment 'test' colour %}"
    "<form>{% csrf_token %}<script nonce='{{ request.csp_nonce }}'></script>"
    "{{ colour }} {{ counter.add }}|{{ user.email }}|{{ request.path }}</form>"
    "{% endshared_fragment %}"
)


class Counter:
    """Counts the renders of the block: `{{ counter.add }}` is read once per render."""

    def __init__(self):
        self.renders = 0

    def add(self):
        self.renders += 1
        return ""


def page(colour, counter, email="reader@example.org", nonce="nonce-1"):
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    request.user.email = email
    request.csp_nonce = nonce
    html = BLOCK.render(RequestContext(request, {"colour": colour, "counter": counter}))
    return html, request.META.get("CSRF_COOKIE")


def holds_token_of(html, secret) -> bool:
    """Whether the form's token is one made from this reader's CSRF secret."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return bool(found and secret and _does_token_match(found.group(1), secret))


def test_readers_with_the_same_values_share_one_render_with_their_own_token_and_nonce():
    counter = Counter()
    first, first_token = page("blue", counter, nonce="nonce-1")
    second, second_token = page("blue", counter, nonce="nonce-2")

    assert counter.renders == 1
    assert first_token != second_token
    assert holds_token_of(first, first_token) and holds_token_of(second, second_token)
    assert not holds_token_of(second, first_token)
    assert "nonce='nonce-1'" in first and "nonce='nonce-2'" in second
    assert fragments.CSRF_MARK not in second and fragments.NONCE_MARK not in second


def test_other_values_are_another_fragment():
    counter = Counter()
    blue, _ = page("blue", counter)
    red, _ = page("red", counter)

    assert counter.renders == 2
    assert "blue" in blue and "red" in red


def test_the_block_never_sees_who_reads_it():
    html, _ = page("blue", Counter(), email="first@example.org")

    assert "first@example.org" not in html
    assert "/somewhere/" not in html  # nor the request, besides its nonce


def test_without_fragment_seconds_each_page_renders_its_own(settings):
    settings.FRAGMENT_SECONDS = 0
    counter = Counter()
    page("blue", counter)
    html, token = page("blue", counter)

    assert counter.renders == 2
    assert holds_token_of(html, token)


def test_a_page_without_a_request_gets_no_token():
    html = BLOCK.render(Context({"colour": "blue", "counter": Counter()}))

    assert "blue" in html and fragments.CSRF_MARK not in html


def test_a_name_is_required():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load shared_fragments %}{% shared_fragment %}x{% endshared_fragment %}")
