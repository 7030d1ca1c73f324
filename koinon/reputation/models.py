"""Reputation and trust levels.

- `ReputationEvent`: the ledger, one row per (source, source row, person who earns).
  Rows are never edited by hand: `koinon.reputation.ledger` makes the ledger of a
  post, a question, a practice or a person match the source tables, so replaying
  the same change is harmless and undoing it (a reaction removed, an answer
  unaccepted, an adoption withdrawn) removes the points.
- `ReputationScore`: sums of the ledger per person, rebuilt for the people a change
  touched: overall (no community, no tag), per community (no tag) and per
  (community, tag). Pages read only these rows.
- `TrustLevel`: each person's trust level (0–4) with the figures it came from,
  and an optional level set by staff that wins over the computed one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(models.TextChoices):
    HELPFUL = "helpful", _("Helpful reaction")
    ACCEPTED = "accepted", _("Accepted answer")
    ADOPTED = "adopted", _("Practice adopted")
    ENDORSED = "endorsed", _("Skill endorsed")


class ReputationEvent(models.Model):
    """Points one person earned from one source row (a reaction, an accepted answer,
    an adoption, an endorsement). `topic` or `practice` carries the tags."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_events"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    points = models.IntegerField(_("points"))
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "discussions.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "discussions.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    practice = models.ForeignKey(
        "library.Practice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reputation event")
        verbose_name_plural = _("reputation events")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "user"], name="reputation_event_once"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "community"], name="repevent_user_idx"),
        ]

    def __str__(self):
        return f"{self.points} to {self.user_id} for {self.source} {self.source_id}"


class ReputationScore(models.Model):
    """A sum of the ledger: overall (community and tag empty), per community (tag
    empty) or per community and tag."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_scores"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey(
        "discussions.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    points = models.IntegerField(_("points"), default=0)

    class Meta:
        verbose_name = _("reputation score")
        verbose_name_plural = _("reputation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(community__isnull=True, tag__isnull=True),
                name="repscore_overall_once",
            ),
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(community__isnull=False, tag__isnull=True),
                name="repscore_community_once",
            ),
            models.UniqueConstraint(
                fields=["user", "community", "tag"],
                condition=Q(tag__isnull=False),
                name="repscore_tag_once",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "tag", "-points"], name="repscore_board_idx"),
            models.Index(fields=["user", "community"], name="repscore_user_idx"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.points} (community {self.community_id}, tag {self.tag_id})"


class Level(models.IntegerChoices):
    NEW = 0, pgettext_lazy("trust level", "New")
    BASIC = 1, pgettext_lazy("trust level", "Basic")
    MEMBER = 2, pgettext_lazy("trust level", "Member")
    REGULAR = 3, pgettext_lazy("trust level", "Regular")
    LEADER = 4, pgettext_lazy("trust level", "Leader")


class TrustLevel(models.Model):
    """A person's trust level and the figures it was computed from."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="trust",
    )
    computed = models.PositiveSmallIntegerField(
        _("computed level"), choices=Level.choices, default=Level.NEW
    )
    override = models.PositiveSmallIntegerField(
        _("level set by staff"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty to use the computed level."),
    )
    reputation = models.IntegerField(_("reputation"), default=0)
    topics_entered = models.PositiveIntegerField(_("topics read"), default=0)
    posts_read = models.PositiveIntegerField(_("posts read"), default=0)
    posts_written = models.PositiveIntegerField(_("posts written"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("trust level")
        verbose_name_plural = _("trust levels")

    def __str__(self):
        return f"{self.user_id}: TL{self.level}"

    @property
    def level(self) -> int:
        return self.override if self.override is not None else self.computed

    @property
    def label(self) -> str:
        return Level(self.level).label
