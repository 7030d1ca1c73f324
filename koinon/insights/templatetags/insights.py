"""`{% insights_allowed community access as allowed %}`: whether to link the insights page
(no query for moderators and non-members; one for the other members)."""

from django import template

from koinon.insights import policy

register = template.Library()


@register.simple_tag
def insights_allowed(community, access) -> bool:
    return access is not None and policy.can_view(access)
