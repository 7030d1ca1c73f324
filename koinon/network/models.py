"""Connections between people, following, and skill endorsements."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", _("Requested")
    ACCEPTED = "accepted", _("Connected")
    DECLINED = "declined", _("Declined")


class Connection(models.Model):
    """A two-way link, stored once per pair: `low` always has the smaller id.

    `requested_by` is one of the two; the other accepts or declines. A declined
    request stays (so it cannot be repeated at once) until the other person asks.
    """

    low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ConnectionStatus.choices, default="pending"
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="connection_pair_once"),
            models.CheckConstraint(condition=Q(low__lt=F("high")), name="connection_low_lt_high"),
        ]
        indexes = [models.Index(fields=["high", "status"], name="connection_high_idx")]

    def __str__(self):
        return f"{self.low_id}–{self.high_id} ({self.status})"

    def other(self, user):
        return self.high if user.pk == self.low_id else self.low

    def other_id(self, user_id: int) -> int:
        return self.high_id if user_id == self.low_id else self.low_id


class Follow(models.Model):
    """One person follows another's public activity, without a connection."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followed")), name="follow_not_self"),
        ]

    def __str__(self):
        return f"{self.follower_id} follows {self.followed_id}"


class Endorsement(models.Model):
    """`endorser` vouches for `person`'s `skill`; both share a community."""

    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements"
    )
    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["endorser", "person", "skill"], name="endorsement_once"
            ),
            models.CheckConstraint(condition=~Q(endorser=F("person")), name="endorsement_not_self"),
        ]
        indexes = [models.Index(fields=["person", "skill"], name="endorsement_person_idx")]

    def __str__(self):
        return f"{self.endorser_id} endorses {self.person_id} for {self.skill_id}"
