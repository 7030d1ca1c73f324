"""Who may read a community's health insights and change who may.

Owners and moderators always; the other members only when the community chose so.
Somebody who may not see the community gets 404 (as for anything else there);
somebody who sees it but may not read its insights gets a clear 403.
"""

from django.utils.translation import gettext as _

from koinon.communities.policy import Access, get_community_for
from koinon.insights.models import InsightsSettings
from koinon.lib.errors import Forbidden


def members_can_view(community) -> bool:
    return InsightsSettings.objects.filter(community=community, members_can_view=True).exists()


def can_view(access: Access, members_allowed: bool | None = None) -> bool:
    if access.is_moderator:
        return True
    if not access.is_member:
        return False
    if members_allowed is None:
        members_allowed = members_can_view(access.community)
    return members_allowed


def can_change_settings(access: Access) -> bool:
    return access.is_moderator


def get_insights_for(user, slug: str):
    """(community, access, members_allowed) or Http404 / Forbidden."""
    community, access = get_community_for(user, slug)
    allowed = members_can_view(community)
    if not can_view(access, allowed):
        if access.is_member:
            message = _("This community keeps its health insights for its owners and moderators.")
        else:
            message = _("Only members of this community can read its health insights.")
        raise Forbidden(message, code="insights_private")
    return community, access, allowed
