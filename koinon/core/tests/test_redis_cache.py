"""The Redis cache of a deployment (REDIS_URL): Django's, with one client per connection
pool. Talks to the real Redis on 127.0.0.1 (database 14, emptied afterwards)."""

import pytest

from koinon.lib.redis_cache import SharedClientRedisCache


@pytest.fixture
def redis_cache():
    cache = SharedClientRedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "koinon-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_is_a_working_cache(redis_cache):
    redis_cache.set("a", {"n": 1}, 60)
    assert redis_cache.get("a") == {"n": 1}
    assert redis_cache.add("a", 2) is False
    redis_cache.set_many({"b": 2, "c": 3})
    assert redis_cache.get_many(["a", "b", "c", "d"]) == {"a": {"n": 1}, "b": 2, "c": 3}
    assert redis_cache.incr("b") == 3
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.get_many(["a", "b", "c"]) == {"c": 3}


def test_every_operation_shares_one_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    redis_cache.set("a", 1)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("a", write=True) is client
