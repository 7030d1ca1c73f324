"""Notifications fanned out from the activity log, preferences per kind, digest deliveries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("E-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


class Period(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Notification(models.Model):
    """One thing one person should hear about, pointing at the activity entry it came from.

    `subject`, `url` and `actor_name` are fixed at fan-out time (the actor's name is
    empty when they wrote anonymously), so a list renders without reading the targets.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    verb = models.CharField(max_length=60, blank=True)
    entry = models.ForeignKey(
        "core.ActivityEntry", on_delete=models.CASCADE, related_name="notifications"
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    actor_name = models.CharField(max_length=120, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "entry", "kind"], name="notification_once_per_entry"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_recipient_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Preference(models.Model):
    """How one person wants to hear about one kind; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self):
        return f"{self.kind}: {self.channel}"


class DigestSubscription(models.Model):
    """The community news digests a person chose (both unticked until they tick them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    daily = models.BooleanField(_("daily digest of my communities"), default=False)
    weekly = models.BooleanField(_("weekly digest of my communities"), default=False)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self):
        return f"digests of {self.user_id}: daily={self.daily} weekly={self.weekly}"


class CommunityMute(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_communities"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("muted community")
        verbose_name_plural = _("muted communities")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="community_mute_once")
        ]

    def __str__(self):
        return f"{self.user_id} mutes {self.community_id}"


class DigestDelivery(models.Model):
    """A digest claimed for one person and period BEFORE it is sent: the constraint makes
    a second run (or a rerun after a crash) skip whoever was already claimed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    period = models.CharField(max_length=10, choices=Period.choices)
    period_start = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "period_start"], name="digest_once_per_period"
            )
        ]

    def __str__(self):
        return f"{self.period} digest of {self.period_start} for {self.user_id}"
