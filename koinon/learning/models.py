"""Learning together: programmes with ordered modules, cohorts that run them, progress,
hand-ins with feedback and peer review, completion records with a certificate, and a
person's skill assessments and learning goals over time."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20000
HANDIN_MAX_LENGTH = 20000


class ActivityKind(models.TextChoices):
    NONE = "", _("No activity")
    REFLECTION = "reflection", _("A reflection to write")
    TASK = "task", _("A task to hand in")
    QUIZ = "quiz", _("A short quiz")


class Programme(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="programmes"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("address"), max_length=80)
    description = models.TextField(
        _("description"), max_length=TEXT_MAX_LENGTH, help_text=_("Markdown is allowed.")
    )
    description_html = models.TextField(editable=False, blank=True)
    outcomes = models.TextField(
        _("learning outcomes"),
        max_length=4000,
        blank=True,
        help_text=_("One outcome per line."),
    )
    skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="programmes", verbose_name=_("skills")
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_programmes",
        verbose_name=_("facilitators"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="programme_slug_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning-programme", args=[self.community.slug, self.slug])

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class RubricCriterion(models.Model):
    """One line of a programme's peer-review rubric, scored 1 to 5."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("criterion"), max_length=200)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Module(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    content = models.TextField(
        _("content"), max_length=TEXT_MAX_LENGTH, blank=True, help_text=_("Markdown is allowed.")
    )
    content_html = models.TextField(editable=False, blank=True)
    activity = models.CharField(
        _("activity"), max_length=12, choices=ActivityKind.choices, default="", blank=True
    )
    activity_prompt = models.TextField(
        _("what to do"),
        max_length=4000,
        blank=True,
        help_text=_("The question to reflect on or the task to hand in."),
    )
    resources = models.ManyToManyField(
        "library.Resource", blank=True, related_name="modules", verbose_name=_("resources")
    )
    practices = models.ManyToManyField(
        "library.Practice", blank=True, related_name="modules", verbose_name=_("practices")
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="module_order_unique"),
        ]

    def __str__(self):
        return self.title

    @property
    def has_hand_in(self) -> bool:
        return bool(self.activity)


class QuizQuestion(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        ordering = ["pk"]

    def __str__(self):
        return self.text


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: members enrol themselves")
    REQUEST = "request", _("On request: facilitators approve")
    INVITATION = "invitation", _("By invitation only")


class LatePolicy(models.TextChoices):
    ALLOW = "allow", _("Accept late hand-ins and mark them late")
    REFUSE = "refuse", _("Refuse hand-ins after the deadline")


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    group = models.OneToOneField(
        "communities.Group",
        on_delete=models.PROTECT,
        related_name="cohort",
        help_text=_("The cohort's own group, its discussion space."),
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrolment = models.CharField(
        _("enrolment"), max_length=12, choices=EnrolmentPolicy.choices, default=EnrolmentPolicy.OPEN
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    handin_deadline = models.DateTimeField(_("hand-in deadline"), null=True, blank=True)
    late_policy = models.CharField(
        _("late hand-ins"), max_length=8, choices=LatePolicy.choices, default=LatePolicy.ALLOW
    )
    peer_reviewers = models.PositiveSmallIntegerField(
        _("peer reviewers per hand-in"),
        default=2,
        validators=[MaxValueValidator(10)],
    )
    sessions = models.ManyToManyField(
        "events.Event", blank=True, related_name="cohorts", verbose_name=_("sessions")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_dates"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("learning-cohort", args=[self.pk])


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("enrolment", "Requested")
    INVITED = "invited", pgettext_lazy("enrolment", "Invited")
    ACTIVE = "active", pgettext_lazy("enrolment", "Enrolled")
    COMPLETED = "completed", pgettext_lazy("enrolment", "Completed")
    DECLINED = "declined", pgettext_lazy("enrolment", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment", "Withdrawn")


# Enrolments that take a place in the cohort.
SEATED = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def new_certificate_code() -> str:
    return secrets.token_urlsafe(12)


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate_code = models.CharField(max_length=32, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="enrolment_once"),
        ]

    def __str__(self):
        return f"{self.user_id} in cohort {self.cohort_id} ({self.status})"

    @property
    def is_seated(self) -> bool:
        return self.status in SEATED


class ModuleProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("module done")
        verbose_name_plural = _("modules done")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="progress_once"),
        ]

    def __str__(self):
        return f"module {self.module_id} done in enrolment {self.enrolment_id}"


class HandIn(models.Model):
    """A participant's answer to a module's activity: a draft until submitted."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="hand_ins")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="hand_ins")
    text = models.TextField(_("your answer"), max_length=HANDIN_MAX_LENGTH, blank=True)
    text_html = models.TextField(editable=False, blank=True)
    answers = models.JSONField(_("quiz answers"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("handed in"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    feedback = models.TextField(_("feedback"), max_length=TEXT_MAX_LENGTH, blank=True)
    feedback_html = models.TextField(editable=False, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hand-in")
        verbose_name_plural = _("hand-ins")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="handin_once"),
        ]

    def __str__(self):
        return f"hand-in {self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class PeerReview(models.Model):
    hand_in = models.ForeignKey(HandIn, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_reviews"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), max_length=TEXT_MAX_LENGTH, blank=True)
    comment_html = models.TextField(editable=False, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hand_in", "reviewer"], name="peerreview_once"),
        ]

    def __str__(self):
        return f"review of hand-in {self.hand_in_id} by {self.reviewer_id}"


LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class SkillAssessment(models.Model):
    """A person's own assessment of one skill on one day; the history makes the chart."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_assessments"
    )
    skill = models.ForeignKey(
        "accounts.Skill", on_delete=models.CASCADE, related_name="assessments"
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("skill assessment")
        verbose_name_plural = _("skill assessments")
        ordering = ["assessed_on", "pk"]
        indexes = [models.Index(fields=["user", "skill", "assessed_on"], name="assessment_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="assessment_level_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.skill_id}: {self.level} on {self.assessed_on}"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("goal", "Active")
    ACHIEVED = "achieved", pgettext_lazy("goal", "Achieved")
    DROPPED = "dropped", pgettext_lazy("goal", "Dropped")


class LearningGoal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_goals"
    )
    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="goals")
    target_level = models.PositiveSmallIntegerField(_("target level"), validators=LEVEL_VALIDATORS)
    target_date = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=5), name="goal_level_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.skill_id} to {self.target_level} by {self.target_date}"


class AgendaItem(models.Model):
    """A topic or a library item a study group means to go through, in order."""

    group = models.ForeignKey(
        "communities.Group", on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveIntegerField(_("order"), default=1)
    title = models.CharField(_("topic"), max_length=TITLE_MAX_LENGTH)
    resource = models.ForeignKey(
        "library.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resource"),
    )
    practice = models.ForeignKey(
        "library.Practice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("practice"),
    )
    covered_at = models.DateTimeField(_("covered"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class MeetingNote(models.Model):
    """Notes of one meeting of a study group, optionally tied to its event."""

    group = models.ForeignKey(
        "communities.Group", on_delete=models.CASCADE, related_name="meeting_notes"
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("meeting"),
    )
    met_on = models.DateField(_("date of the meeting"), default=timezone.localdate)
    body = models.TextField(_("notes"), max_length=TEXT_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting notes")
        verbose_name_plural = _("meeting notes")
        ordering = ["-met_on", "-pk"]

    def __str__(self):
        return f"notes of {self.met_on}"


class CohortThread(models.Model):
    """A conversation in a cohort's own discussion space: only its participants and
    facilitators (and the community's moderators) read and write it."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("cohort conversation")
        verbose_name_plural = _("cohort conversations")
        ordering = ["-last_post_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning-cohort-thread", args=[self.cohort_id, self.pk])


class CohortPost(models.Model):
    thread = models.ForeignKey(CohortThread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=TEXT_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cohort message")
        verbose_name_plural = _("cohort messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"message {self.pk} in thread {self.thread_id}"
