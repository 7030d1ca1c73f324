"""`{% load post_fragments %}`, then `{% load_posts opening replies %}` once before the
posts of a page (one cache read for all) and `{% post_html post %}` for each."""

from django import template

from koinon.discussions import fragments
from koinon.lib.templates import flatten_objects

register = template.Library()


@register.simple_tag(takes_context=True)
def load_posts(context, *posts):
    fragments.load(context, list(flatten_objects(posts)))
    return ""


@register.simple_tag(takes_context=True)
def post_html(context, post):
    return fragments.html_for(context, post)
