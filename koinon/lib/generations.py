"""Values kept in the cache under a generation number: bumping the number drops them all.

A value is kept with the generation read before it was computed; a value of an older
generation is never served. The number is bumped at once and again when the
transaction commits, so what a request read in between is not kept either.
"""

from django.core.cache import cache
from django.db import transaction

from koinon.lib import cache_reads


def bump(generation_key: str) -> None:
    """Drop every value kept under `generation_key`: now, and once the change commits."""
    _increment(generation_key)
    transaction.on_commit(lambda: _increment(generation_key))


def _increment(generation_key: str) -> None:
    try:
        cache.incr(generation_key)
    except ValueError:  # never bumped, or evicted
        cache.set(generation_key, 1, None)


def kept(generation_key: str, key: str):
    """(the generation, what `key` holds if kept in it, else None), in one cache read
    (none for what a page read already: koinon.lib.cache_reads)."""
    found = cache_reads.get_many([generation_key, key])
    generation, value = found.get(generation_key, 0), found.get(key)
    return generation, (value[1] if value is not None and value[0] == generation else None)


def keep(key: str, generation, value, seconds: int) -> None:
    """Keep `value` under `key` for `seconds`, valid while `generation` is current."""
    cache.set(key, (generation, value), seconds)
    cache_reads.note(key, (generation, value))
