"""Figures of one person shown on every page they open (unread notifications, unread
messages), kept in the cache until something changes them: a query fewer per page each.

Whatever changes a figure calls `forget(name, people)`: now, and again once its
transaction commits, so that a page read in between cannot keep the old figure. A
change that forgets to forget is seen after `PERSON_COUNTS_SECONDS` at the latest.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _key(name: str, user_id: int) -> str:
    return f"person-count:{name}:{user_id}"


def kept(name: str, user_id: int, compute) -> int:
    """`compute()`, the figure `name` of person `user_id`, from the cache when kept."""
    seconds = settings.PERSON_COUNTS_SECONDS
    if not seconds:
        return compute()
    return cache.get_or_set(_key(name, user_id), compute, seconds)


def forget(name: str, user_ids) -> None:
    """The figure `name` of these people changed (or may have)."""
    keys = [_key(name, pk) for pk in set(user_ids) if pk]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
