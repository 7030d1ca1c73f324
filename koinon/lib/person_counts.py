"""Figures of one person shown on every page they open (unread notifications, unread
messages), kept in the cache until something changes them: a query fewer per page each.

Whatever changes a figure calls `forget(name, people)`: now, and again once its
transaction commits, so that a page read in between cannot keep the old figure. A
change that forgets to forget is seen after `PERSON_COUNTS_SECONDS` at the latest.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from koinon.lib import cache_reads

# The figures asked for since this process started: those a page will show again.
_names: set[str] = set()


def _key(name: str, user_id: int) -> str:
    return f"person-count:{name}:{user_id}"


def kept(name: str, user_id: int, compute) -> int:
    """`compute()`, the figure `name` of person `user_id`, from the cache when kept."""
    seconds = settings.PERSON_COUNTS_SECONDS
    if not seconds:
        return compute()
    _names.add(name)
    return cache_reads.get_or_set(_key(name, user_id), compute, seconds)


def keys_for(user) -> list[str]:
    """The cache keys of `user`'s figures, for a page to read with its own
    (koinon.lib.cache_reads): the header shows them on every page."""
    if not (user.is_authenticated and settings.PERSON_COUNTS_SECONDS):
        return []
    return [_key(name, user.pk) for name in sorted(_names)]


def forget(name: str, user_ids) -> None:
    """The figure `name` of these people changed (or may have)."""
    keys = [_key(name, pk) for pk in set(user_ids) if pk]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
