"""Whole pages kept for anonymous visitors, dropped as soon as their community changes.

Anonymous visitors of a public community all see the same topic list and topic page,
so those are rendered once per language and kept for `PAGE_CACHE_SECONDS`. Each
community has a generation number in the cache; every action logged in the community
(the activity log, see koinon/core/signals.py) and every change of the community bumps it
(`bump_community`), which changes every key of its pages at once, so a post hidden by
a moderator or a community turned private is never served from the cache afterwards.
With a per-process cache (locmem, the default without Redis) other processes may serve
a page for at most `PAGE_CACHE_SECONDS`; with Redis the bump reaches every worker.

A page is kept only when nothing personal went into it: no signed-in person, no flash
message, no CSRF token rendered (anonymous pages have none), a 200 answer.

Signed-in readers get their pages rendered afresh from values kept under the same
generation (`remembered`): a community, a topic and its posts, counts, tags, polls,
reactions, and each reader's membership and own marks. The generation is bumped now
and again when the change commits (a request in between cannot keep the old value),
and by any change of a membership or a block (koinon/core/signals.py). A page reads the
values it needs in one round trip (`preloaded`).
"""

import hashlib
from contextlib import contextmanager
from functools import cache as cache_on_first_call
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from koinon.lib import cache_reads, generations


def _generation_key(slug: str) -> str:
    return f"pages:generation:{slug}"


def bump_community(slug: str) -> None:
    """Forget every cached page and figure of a community: now, and again once the
    change commits, so that what a request read in between is not kept either."""
    generations.bump(_generation_key(slug))


def _kept(slug: str, key: str):
    """The community's generation, and what `key` holds if it was kept in that
    generation (None otherwise): one cache read for both, or none when preloaded."""
    found = cache_reads.get_many([_generation_key(slug), key])
    generation, kept = found.get(_generation_key(slug), 0), found.get(key)
    return generation, (kept[1:] if kept is not None and kept[0] == generation else None)


def _value_key(slug: str, name: str) -> str:
    return f"pages:{slug}:value:{_schema()}:{name}"


@cache_on_first_call
def _schema() -> str:
    """The models' migrations, hashed: kept values hold pickled model instances, which
    a release with other fields must not read."""
    root = Path(__file__).resolve().parents[1]
    names = sorted(str(path.relative_to(root)) for path in root.glob("*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


@contextmanager
def preloaded(slug: str, names, also=()):
    """Within, `remembered(slug, name, ...)` of any of `names` reads no cache: all were
    read at once on entering (a page that asks for six kept values waits once, not six
    times), with the cache keys `also` (see koinon.lib.cache_reads). A name left out is
    read when asked, as usual."""
    keys = [_value_key(slug, name) for name in names] if settings.PAGE_CACHE_SECONDS else []
    keys = [_generation_key(slug), *keys] if keys else []
    with cache_reads.together([*keys, *also]):
        yield


def remembered(slug: str, name: str, compute):
    """`compute()`, a figure of a community's content, kept until the community changes
    (or `PAGE_CACHE_SECONDS`, as its pages)."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return compute()
    key = _value_key(slug, name)
    generation, kept = _kept(slug, key)
    if kept is not None:
        return kept[0]
    value = compute()
    cache.set(key, (generation, value), seconds)
    cache_reads.note(key, (generation, value))
    return value


def remembered_many(slug: str, computes: dict) -> dict:
    """{name: `remembered(slug, name, compute)`} for `computes` ({name: compute}), in
    one cache read."""
    with preloaded(slug, list(computes)):
        return {name: remembered(slug, name, compute) for name, compute in computes.items()}


def remembered_for(topic, name: str, compute):
    """`compute()`, the same for every reader of `topic`, kept until its community
    changes (its poll, its tags, the practices it discusses...)."""
    return remembered(topic.community.slug, f"topic:{topic.pk}:{name}", compute)


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and "HX-Request" not in request.headers
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    )


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_messages", None)
    )


def anonymous_page_cache(view):
    """Serve `view(request, slug, ...)` from the cache to anonymous visitors."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return view(request, slug, *args, **kwargs)
        # The page is kept with the generation it was made in; one of an older
        # generation is not served.
        language = translation.get_language()
        key = f"pages:{slug}:{language}:{request.get_full_path()}"
        generation, kept = _kept(slug, key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, slug, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(request, response):
            kept = (generation, response.content, response["Content-Type"])
            cache.set(key, kept, seconds)
        return response

    return wrapper
