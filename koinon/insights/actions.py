"""Writes of the insights app: who may read a community's insights."""

from django.db import transaction
from django.utils.translation import gettext as _

from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.insights import policy
from koinon.insights.models import InsightsSettings
from koinon.lib.errors import Forbidden


@transaction.atomic
def do_set_insights_visibility(actor, community, members_can_view: bool) -> InsightsSettings:
    """Let the members read the insights (or keep them for moderators); moderators only."""
    if not policy.can_change_settings(access_for(actor, community)):
        raise Forbidden(_("Only owners and moderators decide who reads the insights."))
    settings, _created = InsightsSettings.objects.update_or_create(
        community=community,
        defaults={"members_can_view": bool(members_can_view), "updated_by": actor},
    )
    log_activity(
        actor,
        "insights.visibility_changed",
        community=community,
        target=settings,
        members_can_view=settings.members_can_view,
    )
    return settings
