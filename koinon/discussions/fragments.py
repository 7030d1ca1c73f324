"""Posts and topic-list rows rendered once for every reader who would see the same HTML
(see koinon.lib.fragments). The CSRF token of a post's forms is left out as a mark
and put in per request.

Adding something to `discussions/partials/post.html` or `topic_row.html`, or to the
templates they include? Add the value it reads to `_post_inputs` or `_row_inputs`, or
its fragments would be shared wrongly.
"""

import hashlib

from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from koinon.lib.fragments import CSRF_MARK, put_back, render_many

POST_TEMPLATE = "discussions/partials/post.html"
POST_SOURCES = (
    POST_TEMPLATE,
    "moderation/partials/hidden_mark.html",
    "moderation/partials/post_tools.html",
    "reputation/partials/badge.html",
)
ROW_TEMPLATE = "discussions/partials/topic_row.html"
BADGES = "reputation_badges"  # the context key koinon.reputation's tags fill


# --- Posts ----------------------------------------------------------------------------


def _post_inputs(post, context) -> tuple:
    """Every value the post's templates read, besides the CSRF token."""
    topic = context["topic"]
    badge = (context.get(BADGES) or {}).get(post.author_id)
    reactions = tuple((r["kind"], r["count"], r["pressed"]) for r in post.reaction_buttons)
    return (
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


def load(context, posts) -> None:
    """Fill the page's fragments for `posts`: one cache read, the missing ones rendered."""
    fragments = context.get("post_fragments")
    if fragments is None:
        fragments = context["post_fragments"] = {}
    posts = [p for p in posts if p is not None and p.pk not in fragments]
    if not posts:
        return
    topic = context["topic"]

    def values(post):
        return {
            "post": post,
            "topic": topic,
            "community": topic.community,
            "can_reply": context.get("can_reply"),
            BADGES: context.get(BADGES) or {},
            "csrf_token": CSRF_MARK,
        }

    fragments.update(
        render_many(POST_TEMPLATE, POST_SOURCES, posts, lambda p: _post_inputs(p, context), values)
    )


def html_for(context, post) -> str:
    """The post's HTML for this request (its fragment, with this reader's CSRF token)."""
    if post.pk not in (context.get("post_fragments") or {}):
        load(context, [post])
    return mark_safe(put_back(context["post_fragments"][post.pk], context))  # noqa: S308 - ours


# --- Topic-list rows ------------------------------------------------------------------


def _row_inputs(topic, community) -> tuple:
    return (
        community.slug,
        topic.pk,
        topic.title,
        getattr(topic, "mark", None),
        getattr(topic, "level", None),
        topic.pinned,
        topic.closed,
        topic.kind,
        topic.is_question and topic.is_answered,
        topic.label,
        tuple(topic.tag_names),
        str(topic.author_name),
        topic.group.name if topic.group_id else None,
        topic.reply_count,
        topic.last_activity_at.isoformat(),
        topic.active_ago,
    )


def with_tag_names(topics) -> list:
    """`topics`, each with `tag_names` (from its prefetched tags, which are dropped):
    plain strings are what a row shows, and what a kept list of topics unpickles fast
    (a prefetched QuerySet per topic took 0.5 ms of a page's 0.7 ms to read back)."""
    topics = list(topics)
    for topic in topics:
        if not hasattr(topic, "tag_names"):
            topic.tag_names = [tag.name for tag in topic.tags.all()]
            topic.__dict__.pop("_prefetched_objects_cache", None)
    return topics


def topic_rows(topics, community) -> list:
    """The rows of a page of topics (with `mark`, `level` and `author_name` set)."""
    topics = with_tag_names(topics)
    for topic in topics:
        topic.active_ago = timesince(topic.last_activity_at)

    def values(topic):
        return {"topic": topic, "community": community}

    rendered = render_many(
        ROW_TEMPLATE, (ROW_TEMPLATE,), topics, lambda t: _row_inputs(t, community), values
    )
    return [mark_safe(rendered[t.pk]) for t in topics]  # noqa: S308 - our own render
