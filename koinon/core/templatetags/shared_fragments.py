"""`{% load shared_fragments %}{% shared_fragment "name" value … %}…{% endshared_fragment %}`:
the block rendered once for every reader who would see the same HTML, then kept.

Like Django's `{% cache %}`, but the block never sees who reads it: `user`, `request`
and `messages` are hidden from it, and the CSRF token and the CSP nonce are marks put
back per request (`koinon.lib.fragments`). So the values after the name must be all
the block shows that is not the same for every reader; forgetting one shows the same
HTML to readers it should differ for, never one reader's token or name to another.
"""

from django import template
from django.utils.safestring import mark_safe

from koinon.lib.fragments import READER_MARKS, put_back, shared

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context):
        name = self.name.resolve(context)
        values = tuple(value.resolve(context) for value in self.values)

        def render():
            with context.push(**READER_MARKS):
                return self.nodelist.render(context)

        return mark_safe(put_back(shared(name, values, render), context))  # noqa: S308 - ours


@register.tag
def shared_fragment(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("shared_fragment needs a name, then its values")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist, parser.compile_filter(bits[0]), [parser.compile_filter(b) for b in bits[1:]]
    )
