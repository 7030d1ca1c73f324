"""Kept values a page reads in one round trip (koinon.lib.cache_reads)."""

import pytest
from django.core.cache import cache

from koinon.lib import cache_reads, person_counts


@pytest.fixture
def counted(monkeypatch):
    """The cache, with each read it is asked for recorded: [("get", key) or
    ("get_many", keys)]."""
    reads = []
    real = cache_reads.cache

    class Counting:
        def get(self, key, default=None):
            reads.append(("get", key))
            return real.get(key, default)

        def get_many(self, keys):
            reads.append(("get_many", list(keys)))
            return real.get_many(keys)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(cache_reads, "cache", Counting())
    return reads


def test_keys_read_together_are_answered_without_another_read(counted):
    cache.set_many({"a": 1, "b": 0})
    with cache_reads.together(["a", "b", "c"]):
        assert (cache_reads.get("a"), cache_reads.get("b"), cache_reads.get("c", "none")) == (
            1,
            0,
            "none",
        )
        assert cache_reads.get_many(["a", "c"]) == {"a": 1}
    assert counted == [("get_many", ["a", "b", "c"])]


def test_a_key_not_read_together_is_read_when_asked(counted):
    cache.set_many({"a": 1, "d": 4})
    with cache_reads.together(["a"]):
        assert cache_reads.get("d") == 4
        assert cache_reads.get_many(["a", "d"]) == {"a": 1, "d": 4}
    assert cache_reads.get("a") == 1  # outside: the cache, as usual
    assert counted == [
        ("get_many", ["a"]),
        ("get", "d"),
        ("get_many", ["d"]),
        ("get", "a"),
    ]


def test_a_value_kept_within_is_seen_by_later_reads_of_the_same_page(counted):
    with cache_reads.together(["a"]):
        assert cache_reads.get("a") is None
        cache.set("a", 7)
        cache_reads.note("a", 7)
        assert cache_reads.get("a") == 7
    assert counted == [("get_many", ["a"])]


def test_an_inner_read_reads_only_the_keys_not_read_yet(counted):
    cache.set_many({"a": 1, "b": 2})
    with cache_reads.together(["a"]):
        with cache_reads.together(["a", "b"]):
            assert (cache_reads.get("a"), cache_reads.get("b")) == (1, 2)
        assert cache_reads.get("b") == 2  # still read: the page goes on
    assert cache_reads.get("b") == 2  # the page is over
    assert counted == [("get_many", ["a"]), ("get_many", ["b"]), ("get", "b")]


def test_a_person_s_figures_are_read_with_the_page(counted, member):
    computed = []

    def count():
        computed.append(1)
        return 3

    assert person_counts.kept("test-figure", member.pk, count) == 3
    keys = person_counts.keys_for(member)
    assert f"person-count:test-figure:{member.pk}" in keys
    counted.clear()
    with cache_reads.together(keys):
        assert person_counts.kept("test-figure", member.pk, count) == 3
    assert computed == [1]  # kept, and read in the page's one read
    assert counted == [("get_many", keys)]


def test_a_visitor_has_no_figures_to_read(settings):
    from django.contrib.auth.models import AnonymousUser

    assert person_counts.keys_for(AnonymousUser()) == []


def test_get_or_set_computes_once_and_keeps_for_the_rest_of_the_page(counted):
    computed = []

    def compute():
        computed.append(1)
        return "html"

    with cache_reads.together(["f"]):
        assert cache_reads.get_or_set("f", compute, 60) == "html"
        assert cache_reads.get_or_set("f", compute, 60) == "html"
    assert cache.get("f") == "html" and computed == [1]
    assert counted == [("get_many", ["f"])]
