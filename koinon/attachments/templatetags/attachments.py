from django import template
from django.template.defaultfilters import filesizeformat

from koinon.attachments.actions import max_bytes

register = template.Library()


@register.inclusion_tag("attachments/upload_button.html", takes_context=True)
def image_upload_button(context, community, target):
    """The composer's "Add an image" button for the textarea with id `target`."""
    return {
        "community": community,
        "target": target,
        "max_size": filesizeformat(max_bytes()),
        "request": context.get("request"),
    }
