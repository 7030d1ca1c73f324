"""`{% url %}` in the project's templates reverses each address once per process."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from koinon.lib import urls as kept_urls


@pytest.fixture
def reversals(monkeypatch):
    """The names Django was asked to reverse, with a fresh memory of addresses."""
    kept_urls._reversed.cache_clear()
    calls = []
    real = kept_urls.reverse

    def counting(view_name, *args, **kwargs):
        calls.append(view_name)
        return real(view_name, *args, **kwargs)

    monkeypatch.setattr(kept_urls, "reverse", counting)
    yield calls
    kept_urls._reversed.cache_clear()
    set_script_prefix("/")


def render(text, **values):
    return Template(text).render(Context(values))


def test_it_gives_django_s_address_and_reverses_it_once(reversals):
    text = "{% url 'topic-list' slug %} {% url 'topic-list' slug=slug %} {% url 'home' %}"
    first = render(text, slug="pm")
    assert first == " ".join(
        [reverse("topic-list", args=["pm"]), reverse("topic-list", kwargs={"slug": "pm"}), "/"]
    )
    assert render(text, slug="pm") == first
    assert reversals == ["topic-list", "topic-list", "home"]  # the second render: none
    assert render(text, slug="other") != first  # other arguments: another address


def test_as_a_variable_and_a_missing_view_as_django_does(reversals):
    assert render("{% url 'home' as home %}[{{ home }}]") == "[/]"
    assert render("{% url 'no-such-view' as missing %}[{{ missing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-view' %}")


def test_another_script_prefix_is_another_address(reversals):
    assert render("{% url 'home' %}") == "/"
    set_script_prefix("/koinon/")
    assert render("{% url 'home' %}") == "/koinon/"


def test_an_argument_that_cannot_be_a_key_is_reversed_each_time(reversals):
    class Unhashable(str):
        __hash__ = None

    text = "{% url 'topic-list' slug %}"
    assert render(text, slug=Unhashable("pm")) == reverse("topic-list", args=["pm"])
    assert render(text, slug=Unhashable("pm")) == reverse("topic-list", args=["pm"])
    assert reversals == ["topic-list", "topic-list"]
