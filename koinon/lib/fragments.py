"""Rendered pieces of pages shared in the cache by every reader who would see the same HTML.

A fragment's key is made of every value its templates read (given by the caller), the
language, the time zone and the text of the templates themselves: a change to any of
them is a different key, so no fragment is ever stale and none needs dropping. Readers
with the same rights share a fragment, so a page of thirty posts costs one cache read,
not thirty renders. `FRAGMENT_SECONDS` bounds how long an unused one is kept (0: off).
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import get_language

_digests: dict[tuple, str] = {}


def sources_digest(names: tuple[str, ...]) -> str:
    """The templates' text, hashed: a new release never serves the old markup."""
    if names not in _digests:
        digest = hashlib.sha256()
        for name in names:
            digest.update(Path(get_template(name).origin.name).read_bytes())
        _digests[names] = digest.hexdigest()[:16]
    return _digests[names]


def render_many(template: str, sources: tuple[str, ...], items, inputs, values) -> dict:
    """{item.pk: HTML} for `items`, rendered by `template` with `values(item)`.

    `inputs(item)` must return every value the templates (`sources`) read for the item
    besides those `values` fixes for every reader; it makes the key.
    """
    seconds = settings.FRAGMENT_SECONDS
    common = (sources_digest(sources), get_language(), timezone.get_current_timezone_name())
    keys = {
        item.pk: "fragment:" + hashlib.sha256(repr((common, inputs(item))).encode()).hexdigest()
        for item in items
    }
    found = cache.get_many(list(keys.values())) if seconds else {}
    rendered, missing = {}, {}
    for item in items:
        html = found.get(keys[item.pk])
        if html is None:
            html = missing[keys[item.pk]] = get_template(template).render(values(item))
        rendered[item.pk] = html
    if missing and seconds:
        cache.set_many(missing, seconds)
    return rendered
