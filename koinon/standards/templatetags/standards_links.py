"""Links between discussions, practices and standards, for other apps' templates.

`{% topic_knowledge_links topic access %}` on a discussion: the practices it discusses,
the standards drafted from it and, for members allowed to draft, the button
"turn this discussion into a first draft".
"""

from django import template

from koinon.lib.page_cache import remembered_for
from koinon.standards import policy

register = template.Library()


@register.inclusion_tag("standards/partials/topic_links.html")
def topic_knowledge_links(topic, access):
    from koinon.library.discussion_links import practices_of

    def links():
        return practices_of(topic), list(topic.standards.all()[:10])

    practices, standards = remembered_for(topic, "knowledge-links", links)
    return {
        "topic": topic,
        "community": topic.community,
        "practices": practices,
        "standards": standards,
        "can_draft": access is not None and policy.can_draft(access),
    }


@register.inclusion_tag("standards/partials/section_link.html")
def standards_section_link(community, current=False):
    """One `<li>` linking a community's standards (community page, library tabs)."""
    return {"community": community, "current": current}
