"""Mentoring: offers, requests, and the mentorships that pair a mentor with a mentee."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koinon.accounts.models import Skill


class Format(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    BOTH = "both", _("Online or in person")


class Wish(models.IntegerChoices):
    USEFUL = 1, _("Useful")
    PRIORITY = 2, _("A priority")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("mentoring request", "Open")
    MATCHED = "matched", pgettext_lazy("mentoring request", "Matched")
    CLOSED = "closed", pgettext_lazy("mentoring request", "Closed")


class Status(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("mentorship", "Requested")
    ACCEPTED = "accepted", pgettext_lazy("mentorship", "Accepted")
    DECLINED = "declined", pgettext_lazy("mentorship", "Declined")
    ACTIVE = "active", pgettext_lazy("mentorship", "Active")
    COMPLETED = "completed", pgettext_lazy("mentorship", "Completed")
    ENDED = "ended", pgettext_lazy("mentorship", "Ended")


# A mentorship in one of these takes one of the mentor's places.
TAKES_A_PLACE = (Status.ACCEPTED, Status.ACTIVE)
# One of these per mentee and offer at a time.
OPEN_STATUSES = (Status.REQUESTED, Status.ACCEPTED, Status.ACTIVE)
FINISHED = (Status.COMPLETED, Status.ENDED)


class MentoringOffer(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_offers"
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentoring_offers",
        verbose_name=_("community"),
        help_text=_("Leave empty to offer to everyone who shares a community with you."),
    )
    topics = models.TextField(_("topics"), max_length=2000)
    skills = models.ManyToManyField(Skill, through="OfferSkill", related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many people you can mentor at the same time."),
    )
    availability = models.CharField(_("availability"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring offer")
        verbose_name_plural = _("mentoring offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offer_capacity_positive"),
        ]
        indexes = [models.Index(fields=["is_active", "community"], name="offer_active_idx")]

    def __str__(self):
        return f"{self.mentor}: {self.topics[:40]}"

    def get_absolute_url(self):
        return reverse("mentoring-offer", args=[self.pk])


class OfferSkill(models.Model):
    """A skill the offer covers, at the level the mentor claims on their profile."""

    offer = models.ForeignKey(MentoringOffer, on_delete=models.CASCADE, related_name="offer_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("skill offered")
        verbose_name_plural = _("skills offered")
        constraints = [
            models.UniqueConstraint(fields=["offer", "skill"], name="offerskill_once"),
        ]
        indexes = [models.Index(fields=["skill", "offer"], name="offerskill_skill_idx")]

    def __str__(self):
        return f"{self.skill_id} ({self.level})"


class MentoringRequest(models.Model):
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_requests"
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentoring_requests",
        verbose_name=_("community"),
        help_text=_("Leave empty to look for mentors in all your communities."),
    )
    goals = models.TextField(_("goals"), max_length=2000)
    skills = models.ManyToManyField(Skill, through="RequestSkill", related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.mentee}: {self.goals[:40]}"

    def get_absolute_url(self):
        return reverse("mentoring-request", args=[self.pk])


class RequestSkill(models.Model):
    request = models.ForeignKey(
        MentoringRequest, on_delete=models.CASCADE, related_name="request_skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    wish = models.PositiveSmallIntegerField(_("wish"), choices=Wish.choices, default=Wish.USEFUL)

    class Meta:
        verbose_name = _("skill wanted")
        verbose_name_plural = _("skills wanted")
        constraints = [
            models.UniqueConstraint(fields=["request", "skill"], name="requestskill_once"),
        ]

    def __str__(self):
        return f"{self.skill_id} ({self.wish})"


class Mentorship(models.Model):
    offer = models.ForeignKey(MentoringOffer, on_delete=models.CASCADE, related_name="mentorships")
    request = models.ForeignKey(
        MentoringRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    message = models.TextField(_("message to the mentor"), max_length=2000, blank=True)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "mentee"],
                condition=Q(status__in=OPEN_STATUSES),
                name="mentorship_one_open_per_offer",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentorship_not_self"
            ),
        ]
        indexes = [models.Index(fields=["offer", "status"], name="mentorship_offer_status_idx")]

    def __str__(self):
        return f"{self.mentor} → {self.mentee} ({self.status})"

    def get_absolute_url(self):
        return reverse("mentorship", args=[self.pk])

    def is_party(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.mentor_id, self.mentee_id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class GoalKind(models.TextChoices):
    PERCENT = "percent", _("Progress in per cent")
    DONE = "done", _("Done or not done")


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    kind = models.CharField(
        _("how progress is measured"),
        max_length=8,
        choices=GoalKind.choices,
        default=GoalKind.PERCENT,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_max_100"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.progress >= 100


class SessionNote(models.Model):
    """A note on a session: readable by the mentor and the mentee only, nobody else."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("note"), max_length=10000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author_id} at {self.created_at:%Y-%m-%d}"


class Feedback(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="feedback_once_each"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.author_id}: {self.rating}/5"
