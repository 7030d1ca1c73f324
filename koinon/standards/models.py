"""Standards, ethical guidelines and rules that a community drafts and ratifies together.

A standard's current text lives on `Standard`; every save also writes a
`StandardVersion` and `version` is the number of the latest one (optimistic locking).
Comments and amendments anchor to a section of the text (see `sections.py`).
A `Ballot` is one ratification vote: its rules are fixed when it opens and its
result is stored when it closes, never to change again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 1000
BODY_MAX_LENGTH = 64_000
NOTE_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 4000
AMENDMENT_MAX_LENGTH = 16_000


class StandardKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    GUIDELINE = "guideline", _("Ethical guideline")
    RULE = "rule", _("Rule")


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Under review")
    VOTING = "voting", _("Ratification vote open")
    RATIFIED = "ratified", _("Ratified")


class Standard(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="standards"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=StandardKind.choices, default=StandardKind.STANDARD
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("address"), max_length=80)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StandardStatus.choices,
        default=StandardStatus.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    group = models.ForeignKey(
        "communities.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="standards",
        verbose_name=_("working group"),
    )
    drafters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="drafted_standards",
        verbose_name=_("drafters"),
    )
    eligible_group = models.ForeignKey(
        "communities.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eligible members"),
        help_text=_("Who may propose amendments and vote: a group's members, or every member."),
    )
    review_opens_at = models.DateTimeField(_("review opens"), null=True, blank=True)
    review_closes_at = models.DateTimeField(_("review closes"), null=True, blank=True)
    ratified_version = models.PositiveIntegerField(_("ratified version"), null=True, blank=True)
    ratified_at = models.DateTimeField(_("ratified on"), null=True, blank=True)
    origin_topic = models.ForeignKey(
        "discussions.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="standards",
        verbose_name=_("from the discussion"),
    )
    origin_practice = models.ForeignKey(
        "library.Practice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="standards",
        verbose_name=_("from the practice"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="standard_slug_once"),
        ]
        indexes = [models.Index(fields=["community", "status"], name="standard_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("standard-detail", args=[self.community.slug, self.slug])

    @property
    def is_frozen(self) -> bool:
        return self.status == StandardStatus.VOTING


class StandardVersion(models.Model):
    """A snapshot of the text after one save; never changed afterwards."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=NOTE_MAX_LENGTH, blank=True)
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="standard_version_once"),
        ]

    def __str__(self):
        return f"{self.standard_id} v{self.number}"


class SectionComment(models.Model):
    """A comment on one section of a standard, as it read in `version`."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=100)
    section_title = models.CharField(_("section title"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["standard", "section"], name="standard_comment_idx")]

    def __str__(self):
        return f"Comment on {self.standard_id}#{self.section}"


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Amendment(models.Model):
    """A replacement for one section, proposed by an eligible member, decided by the drafters."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="amendments")
    section = models.CharField(_("section"), max_length=100)
    section_title = models.CharField(_("section title"), max_length=300, blank=True)
    base_version = models.PositiveIntegerField(_("proposed on version"))
    original_text = models.TextField(_("text it replaces"), max_length=BODY_MAX_LENGTH)
    text = models.TextField(_("proposed text"), max_length=AMENDMENT_MAX_LENGTH)
    rationale = models.TextField(_("rationale"), max_length=COMMENT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.OPEN,
        db_index=True,
    )
    reason = models.CharField(_("reason"), max_length=NOTE_MAX_LENGTH, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    applied_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Amendment {self.pk} to {self.standard_id}#{self.section}"


class BallotResult(models.TextChoices):
    RATIFIED = "ratified", _("Ratified")
    NOT_RATIFIED = "not_ratified", _("Not ratified")


class Ballot(models.Model):
    """One ratification vote on one version of a standard."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="ballots")
    version = models.PositiveIntegerField(_("version voted on"))
    group = models.ForeignKey(
        "communities.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eligible group"),
    )
    eligible_count = models.PositiveIntegerField(_("eligible members"))
    quorum = models.PositiveSmallIntegerField(_("quorum (%)"))
    threshold = models.PositiveSmallIntegerField(_("approval threshold (%)"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(
        _("result"), max_length=14, choices=BallotResult.choices, blank=True, default=""
    )
    approve_count = models.PositiveIntegerField(default=0)
    abstain_count = models.PositiveIntegerField(default=0)
    object_count = models.PositiveIntegerField(default=0)
    quorum_reached = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("ratification vote")
        verbose_name_plural = _("ratification votes")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum__gte=1, quorum__lte=100), name="ballot_quorum_percent"
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=1, threshold__lte=100), name="ballot_threshold_percent"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_closes_after_open"
            ),
            models.UniqueConstraint(
                fields=["standard"],
                condition=Q(closed_at__isnull=True),
                name="ballot_one_open_per_standard",
            ),
        ]

    def __str__(self):
        return f"Vote on {self.standard_id} v{self.version}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def vote_count(self) -> int:
        return self.approve_count + self.abstain_count + self.object_count

    def is_due(self, now=None) -> bool:
        return not self.is_closed and (now or timezone.now()) >= self.closes_at


class Choice(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("vote", "Approve")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")
    OBJECT = "object", pgettext_lazy("vote", "Object")


class Vote(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standard_votes"
    )
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    reason = models.CharField(_("reason"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter"], name="standard_vote_once"),
        ]

    def __str__(self):
        return f"{self.voter_id} {self.choice} on {self.ballot_id}"
