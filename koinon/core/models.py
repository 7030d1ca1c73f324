from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityEntry(models.Model):
    """One row per meaningful action; never updated, never deleted.

    Notifications, community health and the moderation audit all read this log.
    `is_private` entries (e.g. an anonymous author revealed) are for moderators only.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("verb"), max_length=60, db_index=True)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity",
        verbose_name=_("community"),
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("details"), default=dict, blank=True)
    is_private = models.BooleanField(_("moderators only"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-created_at"], name="activity_community_idx"),
            # A community's entries of some verbs, newest first (the moderation audit log).
            models.Index(fields=["community", "verb", "-created_at"], name="activity_verb_idx"),
            models.Index(fields=["target_type", "target_id"], name="activity_target_idx"),
        ]

    def __str__(self):
        return f"{self.verb} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The activity log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The activity log is append-only.")
