"""Rendered pieces of pages shared in the cache by every reader who would see the same HTML.

A fragment's key is made of every value its templates read (given by the caller), the
language, the time zone and the text of the templates themselves: a change to any of
them is a different key, so no fragment is ever stale and none needs dropping. Readers
with the same rights share a fragment, so a page of thirty posts costs one cache read,
not thirty renders. `FRAGMENT_SECONDS` bounds how long an unused one is kept (0: off).

What is the reader's own (the CSRF token of a form, the page's CSP nonce) stays out of
a fragment: it is rendered with a mark in its place, put back per request (`put_back`).
"""

import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import get_language

from koinon.lib import cache_reads

CSRF_MARK = "\ue002csrf\ue003"
NONCE_MARK = "\ue002nonce\ue003"
_digests: dict[tuple, str] = {}
_project_templates: list[str] = []


def sources_digest(names: tuple[str, ...]) -> str:
    """The templates' text, hashed: a new release never serves the old markup."""
    if names not in _digests:
        digest = hashlib.sha256()
        for name in names:
            digest.update(Path(get_template(name).origin.name).read_bytes())
        _digests[names] = digest.hexdigest()[:16]
    return _digests[names]


def render_many(template: str, sources: tuple[str, ...], items, inputs, values, ident=None) -> dict:
    """{item.pk (or `ident(item)`): HTML} for `items`, rendered by `template` with
    `values(item)`.

    `inputs(item)` must return every value the templates (`sources`) read for the item
    besides those `values` fixes for every reader; it makes the key.
    """
    ident = ident or (lambda item: item.pk)
    seconds = settings.FRAGMENT_SECONDS
    common = (sources_digest(sources), get_language(), timezone.get_current_timezone_name())
    keys = {
        ident(item): "fragment:" + hashlib.sha256(repr((common, inputs(item))).encode()).hexdigest()
        for item in items
    }
    found = cache.get_many(list(keys.values())) if seconds else {}
    rendered, missing = {}, {}
    for item in items:
        key = keys[ident(item)]
        html = found.get(key)
        if html is None:
            html = missing[key] = get_template(template).render(values(item))
        rendered[ident(item)] = html
    if missing and seconds:
        cache.set_many(missing, seconds)
    return rendered


class _MarkedRequest:
    """All a shared fragment reads of the request: the CSP nonce, as a mark."""

    csp_nonce = NONCE_MARK


# What a shared fragment sees of its reader: nothing but marks (`shared_fragment`).
READER_MARKS = {
    "csrf_token": CSRF_MARK,
    "request": _MarkedRequest(),
    "user": None,
    "perms": None,
    "messages": (),
}


def project_templates_digest() -> str:
    """The text of every template of Koinon's apps and Django's version, hashed once
    per process: a new release never serves a fragment of the old one."""
    if not _project_templates:
        digest = hashlib.sha256(django.get_version().encode())
        root = Path(settings.BASE_DIR) / "koinon"
        for path in sorted(root.rglob("templates/**/*.html")):
            digest.update(path.read_bytes())
        _project_templates.append(digest.hexdigest()[:16])
    return _project_templates[0]


def shared_key(name: str, values: tuple) -> str:
    """The cache key of the shared fragment `name` with `values`, for a page to read
    with its other kept values (koinon.lib.cache_reads)."""
    signature = (
        project_templates_digest(),
        name,
        get_language(),
        timezone.get_current_timezone_name(),
        values,
    )
    return "fragment:shared:" + hashlib.sha256(repr(signature).encode()).hexdigest()


def shared(name: str, values: tuple, render) -> str:
    """`render()`, kept for every reader with the same `values` (which must hold all
    the fragment shows besides the marks) in the same language and time zone."""
    seconds = settings.FRAGMENT_SECONDS
    if not seconds:
        return render()
    return cache_reads.get_or_set(shared_key(name, values), render, seconds)


def put_back(html: str, context) -> str:
    """`html` with this request's CSRF token and CSP nonce in place of the marks (the
    token is asked for only when a form needs it: a page without one sets no cookie)."""
    request = context.get("request")
    if CSRF_MARK in html:
        if "fragment_csrf_token" not in context:
            context["fragment_csrf_token"] = get_token(request) if request is not None else ""
        html = html.replace(CSRF_MARK, context["fragment_csrf_token"])
    if NONCE_MARK in html:
        html = html.replace(NONCE_MARK, str(getattr(request, "csp_nonce", "")))
    return html
