"""Reputation on other apps' pages.

`{% load reputation %}`, then:
- `{% person_reputation person %}` on a profile: trust level, total, and the top
  communities and tags where it was earned (what the viewer may see of them);
- `{% reputation_badges opening replies %}` once per topic page, before the posts:
  loads the badges of every named author on the page in one query, and does
  nothing if they are already loaded;
- `{% reputation_badge post %}` next to a post's author: reads what
  `reputation_badges` loaded (a post rendered alone, e.g. after a reaction, loads
  its own). Anonymous posts get no badge.
"""

import hashlib

from django import template

from koinon.lib.page_cache import remembered
from koinon.lib.templates import flatten_objects
from koinon.reputation.queries import badges_for, named_authors, person_summary

register = template.Library()
KEY = "reputation_badges"


def _community_of(context):
    community = context.get("community")
    if community is None and context.get("topic") is not None:
        community = context["topic"].community
    return community


@register.inclusion_tag("reputation/partials/person_reputation.html", takes_context=True)
def person_reputation(context, person):
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"person": person, "summary": person_summary(viewer, person)}


@register.simple_tag(takes_context=True)
def reputation_badges(context, *posts):
    if KEY not in context:
        community = _community_of(context)
        context[KEY] = _kept_badges(list(flatten_objects(posts)), community) if community else {}
    return ""


def _kept_badges(posts, community) -> dict:
    """The page's badges, kept until the community changes (every reaction or accepted
    answer does): the same for every reader of the page."""
    authors = named_authors(posts)
    if not authors:
        return {}
    name = "badges:" + hashlib.sha256(repr(authors).encode()).hexdigest()[:32]
    return remembered(community.slug, name, lambda: badges_for(posts, community))


@register.inclusion_tag("reputation/partials/badge.html", takes_context=True)
def reputation_badge(context, post):
    shows = post.author_id and not post.is_anonymous and getattr(post, "shows_author", True)
    if not shows:
        return {"badge": None}
    badges = context.get(KEY)
    if badges is None or post.author_id not in badges:
        community = _community_of(context)
        badges = badges_for([post], community) if community else {}
    return {"badge": badges.get(post.author_id), "person_id": post.author_id}
