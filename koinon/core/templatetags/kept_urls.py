"""`{% url %}` with each address reversed once per process (a built-in of the project's
templates: see TEMPLATES in settings).

Django reverses an address anew at every `{% url %}`: 10 to 50 µs each, and a page
holds twenty or more. An address depends only on the view's name, its arguments, the
URL configuration, the script prefix and the language, so those make the key.
"""

from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=10_000)
def _reversed(view_name, args, kwargs, current_app, urlconf, prefix, language) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def kept_reverse(view_name, args, kwargs, current_app) -> str:
    where = (get_urlconf(), get_script_prefix(), get_language())
    try:
        return _reversed(view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, *where)
    except TypeError:  # an argument that cannot be a key
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class KeptURLNode(URLNode):
    """Django's URLNode (same arguments, `as var`, escaping), reversing through
    `kept_reverse`."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
