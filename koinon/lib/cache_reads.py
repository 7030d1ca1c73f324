"""Cache reads of one page, made in one round trip.

A page that will read several kept values (its topic, its posts, the reader's counts in
the header) reads them all at once on entering `together(keys)`; within, `get(key)`
answers from what was read, and `note(key, value)` records a value just computed and
kept, so a later `get` in the same page sees it. Outside, or for a key not read
together, `get` reads the cache as usual.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

_MISSING = object()
# {key: value read, or _MISSING}: what `together` read, for the request at hand.
_read: ContextVar[dict | None] = ContextVar("cache_reads", default=None)


@contextmanager
def together(keys):
    """Within, `get` of any of `keys` reads no cache: all were read at once (but those
    an enclosing `together` read already). Within an enclosing `together`, what is read
    stays read until that one ends: the rest of the page may ask for it."""
    outer = _read.get()
    keys = [key for key in keys if outer is None or key not in outer]
    found = cache.get_many(keys) if keys else {}
    read = {key: found.get(key, _MISSING) for key in keys}
    if outer is not None:
        outer.update(read)
        yield
        return
    token = _read.set(read)
    try:
        yield
    finally:
        _read.reset(token)


def get(key, default=None):
    """What the cache holds for `key` (`default` if nothing)."""
    read = _read.get()
    if read is None or key not in read:
        return cache.get(key, default)
    value = read[key]
    return default if value is _MISSING else value


def get_many(keys) -> dict:
    """{key: value} for the `keys` the cache holds, reading only those not read together."""
    read = _read.get() or {}
    found = {key: read[key] for key in keys if key in read and read[key] is not _MISSING}
    unread = [key for key in keys if key not in read]
    return {**found, **(cache.get_many(unread) if unread else {})}


def note(key, value) -> None:
    """`value` was just kept under `key`: a later `get` within `together` sees it."""
    read = _read.get()
    if read is not None and key in read:
        read[key] = value


def get_or_set(key, compute, seconds):
    """What the cache holds for `key`, else `compute()`, kept for `seconds`: as Django's
    `cache.get_or_set`, reading from what was read together."""
    value = get(key)
    if value is None:
        value = compute()
        cache.add(key, value, seconds)
        note(key, value)
    return value
