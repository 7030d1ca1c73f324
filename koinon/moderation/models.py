"""Flags on posts, and blocks of a person in a community.

The hidden state of a post lives on the post (`discussions.Post.hidden_at`) so every
list can filter it cheaply; the moderation audit is the activity log (verbs
`moderation.*`, private to moderators).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FLAG_TEXT_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500


def flags_per_day() -> int:
    """Flags one person may raise in one community per 24 hours (Discourse's
    `max_flags_per_day`, 20, `reliability.md`)."""
    return int(getattr(settings, "MODERATION_FLAGS_PER_DAY", 20))


def flags_to_hide() -> int:
    """Distinct open flags that hide a post (Discourse: 3 users' flags, `reliability.md`)."""
    return int(getattr(settings, "MODERATION_FLAGS_TO_HIDE", 3))


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFF_TOPIC = "off_topic", _("Off-topic")
    INAPPROPRIATE = "inappropriate", _("Inappropriate or abusive")
    OTHER = "other", _("Something else")


class Resolution(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    DISAGREED = "disagreed", _("Disagreed")


class Flag(models.Model):
    """One person's report of one post; open until a moderator reviews the post."""

    post = models.ForeignKey(
        "discussions.Post", on_delete=models.CASCADE, related_name="flags", verbose_name=_("post")
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="flags",
        verbose_name=_("flagged by"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    text = models.CharField(_("details"), max_length=FLAG_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(resolved_at__isnull=True),
                name="flag_one_open_per_person",
            )
        ]
        indexes = [
            models.Index(
                fields=["community", "created_at"],
                condition=Q(resolved_at__isnull=True),
                name="flag_open_queue_idx",
            ),
            # The daily limit: one person's flags in one community, the latest first.
            models.Index(fields=["user", "community", "-created_at"], name="flag_rate_idx"),
        ]

    def __str__(self):
        return f"{self.reason} flag on post {self.post_id} by {self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class BlockQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Block(models.Model):
    """A person may read but not write in a community, until `ends_at` or until lifted."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="blocks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_blocks",
        verbose_name=_("person"),
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(lifted_at__isnull=True),
                name="block_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["user", "community"], name="block_user_idx")]

    def __str__(self):
        return f"{self.user_id} blocked in {self.community_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > timezone.now())
