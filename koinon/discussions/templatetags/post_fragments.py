"""`{% load post_fragments %}`, then `{% load_posts opening replies %}` once before the
posts of a page (one cache read for all) and `{% post_html post %}` for each."""

from django import template

from koinon.discussions import fragments

register = template.Library()


def _flatten(items):
    for item in items:
        if item is None:
            continue
        if hasattr(item, "pk"):
            yield item
        else:
            yield from item


@register.simple_tag(takes_context=True)
def load_posts(context, *posts):
    fragments.load(context, list(_flatten(posts)))
    return ""


@register.simple_tag(takes_context=True)
def post_html(context, post):
    return fragments.html_for(context, post)
