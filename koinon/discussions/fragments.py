"""Rendered posts, shared in the cache by every reader who would see the same HTML.

A post's HTML depends on the post, on what the reader may do with it and on the
page's language. The cache key is made of all of that: every value the post's
templates read (`_inputs`), so a change to any of them is a different key and no
fragment is ever stale; none needs dropping. Readers with the same rights on a post
share its fragment, so a page of thirty posts costs one cache read, not thirty
renders. The CSRF token is left out as a mark and put in per request.

Adding something to `discussions/partials/post.html` or the templates it includes?
Add the value it reads to `_inputs`, or its fragments would be shared wrongly.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

TEMPLATE = "discussions/partials/post.html"
# The templates a post's HTML comes from: their text is part of every key, so a new
# release never serves fragments of the old markup.
SOURCES = (
    TEMPLATE,
    "moderation/partials/hidden_mark.html",
    "moderation/partials/post_tools.html",
    "reputation/partials/badge.html",
)
CSRF_MARK = "\ue002csrf\ue003"
BADGES = "reputation_badges"  # the context key koinon.reputation's tags fill
_sources_digest = None


def _templates_digest() -> str:
    global _sources_digest
    if _sources_digest is None:
        digest = hashlib.sha256()
        for name in SOURCES:
            digest.update(Path(get_template(name).origin.name).read_bytes())
        _sources_digest = digest.hexdigest()[:16]
    return _sources_digest


def _inputs(post, context) -> tuple:
    """Every value the post's templates read, besides the CSRF token."""
    topic = context["topic"]
    badge = (context.get(BADGES) or {}).get(post.author_id)
    reactions = tuple((r["kind"], r["count"], r["pressed"]) for r in post.reaction_buttons)
    return (
        _templates_digest(),
        get_language(),
        timezone.get_current_timezone_name(),
        topic.community.slug,
        topic.pk,
        bool(context.get("can_reply")),
        post.pk,
        post.is_opening,
        post.created_at.isoformat(),
        post.edited_at.isoformat() if post.edited_at else "",
        post.is_deleted,
        post.is_hidden,
        post.text_hidden,
        hashlib.sha256(post.body_html.encode()).hexdigest(),
        post.author_id,
        str(post.author_name),
        post.shows_author,
        post.is_anonymous,
        post.is_mine,
        post.is_accepted,
        post.is_new,
        post.can_edit,
        post.can_react,
        post.can_accept,
        post.can_reveal,
        reactions,
        post.flagged_by_me,
        post.can_flag,
        post.can_hide,
        post.can_restore,
        tuple(sorted(badge.items())) if badge else None,
    )


def _key(post, context) -> str:
    digest = hashlib.sha256(repr(_inputs(post, context)).encode()).hexdigest()
    return f"post-html:{digest}"


def _render(post, context) -> str:
    values = {
        "post": post,
        "topic": context["topic"],
        "community": context["topic"].community,
        "can_reply": context.get("can_reply"),
        BADGES: context.get(BADGES) or {},
        "csrf_token": CSRF_MARK,
    }
    return get_template(TEMPLATE).render(values)


def load(context, posts) -> None:
    """Fill the page's fragments for `posts`: one cache read, the missing ones rendered."""
    seconds = settings.POST_FRAGMENT_SECONDS
    fragments = context.get("post_fragments")
    if fragments is None:
        fragments = context["post_fragments"] = {}
    posts = [p for p in posts if p is not None and p.pk not in fragments]
    if not posts:
        return
    keys = {post.pk: _key(post, context) for post in posts}
    found = cache.get_many(list(keys.values())) if seconds else {}
    missing = {}
    for post in posts:
        html = found.get(keys[post.pk])
        if html is None:
            html = missing[keys[post.pk]] = _render(post, context)
        fragments[post.pk] = html
    if missing and seconds:
        cache.set_many(missing, seconds)


def html_for(context, post) -> str:
    """The post's HTML for this request (its fragment, with this reader's CSRF token)."""
    if post.pk not in (context.get("post_fragments") or {}):
        load(context, [post])
    html = context["post_fragments"][post.pk]
    if CSRF_MARK in html:  # a post with forms; never asks a token for an anonymous page
        if "post_csrf_token" not in context:
            request = context.get("request")
            context["post_csrf_token"] = get_token(request) if request is not None else ""
        html = html.replace(CSRF_MARK, context["post_csrf_token"])
    return mark_safe(html)  # noqa: S308 - our own render
