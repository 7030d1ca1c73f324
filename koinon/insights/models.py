"""What a community chose about its health insights: who may read them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InsightsSettings(models.Model):
    """One row per community that changed the default (insights for moderators only)."""

    community = models.OneToOneField(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="insights_settings",
        verbose_name=_("community"),
    )
    members_can_view = models.BooleanField(
        _("members may read the insights"),
        default=False,
        help_text=_("Otherwise only owners and moderators see them."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("insights settings")
        verbose_name_plural = _("insights settings")

    def __str__(self):
        return f"insights of {self.community_id}: members={self.members_can_view}"
