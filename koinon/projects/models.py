"""Ideas, experiments and projects of a community.

An idea is proposed and supported; an experiment tries something and, once closed,
becomes a lesson learned of the library; a project gathers people, tasks and milestones.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 1000


# --- Ideas --------------------------------------------------------------------------


class IdeaStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("idea status", "New")
    DISCUSSING = "discussing", pgettext_lazy("idea status", "Under discussion")
    PLANNED = "planned", pgettext_lazy("idea status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("idea status", "In progress")
    DONE = "done", pgettext_lazy("idea status", "Done")
    DECLINED = "declined", pgettext_lazy("idea status", "Declined")


# The board's "by status" order: the journey from new to done, declined last.
STATUS_ORDER = [s.value for s in IdeaStatus]
CLOSED_STATUSES = {IdeaStatus.DONE, IdeaStatus.DECLINED}


class Idea(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    problem = models.TextField(_("problem"), max_length=TEXT_MAX_LENGTH)
    proposal = models.TextField(_("proposal"), max_length=TEXT_MAX_LENGTH)
    benefit = models.TextField(_("expected benefit"), max_length=TEXT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    status_reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    topic = models.ForeignKey(
        "discussions.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("discussion"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"], name="idea_list_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("idea-detail", args=[self.community.slug, self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="support_once")]

    def __str__(self):
        return f"{self.user_id} supports {self.idea_id}"


class IdeaStatusChange(models.Model):
    """Every status change, by whom and why; shown to everyone on the idea's page."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


# --- Experiments ---------------------------------------------------------------------


class Experiment(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="experiments"
    )
    idea = models.ForeignKey(
        Idea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments",
        verbose_name=_("idea"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    hypothesis = models.TextField(_("hypothesis"), max_length=TEXT_MAX_LENGTH)
    tried = models.TextField(_("what will be tried"), max_length=TEXT_MAX_LENGTH)
    measure = models.TextField(_("how success is measured"), max_length=TEXT_MAX_LENGTH)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="experiments",
        verbose_name=_("who takes part"),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Filled when the experiment is closed; the choices are the library's outcomes.
    outcome = models.CharField(_("outcome"), max_length=8, blank=True)
    learned = models.TextField(_("what we learned"), max_length=TEXT_MAX_LENGTH, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lesson = models.OneToOneField(
        "library.Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiment",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="experiment_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("experiment-detail", args=[self.community.slug, self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


# --- Projects -----------------------------------------------------------------------


class ProjectVisibility(models.TextChoices):
    COMMUNITY = "community", _("Everyone who can see the community")
    MEMBERS = "members", _("Project members only")


class ProjectRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTRIBUTOR = "contributor", _("Contributor")


class Project(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="projects"
    )
    idea = models.ForeignKey(
        Idea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("idea"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    purpose = models.TextField(_("purpose"), max_length=TEXT_MAX_LENGTH)
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=ProjectVisibility.choices,
        default=ProjectVisibility.COMMUNITY,
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.community.slug, self.pk])


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=ProjectRole.choices, default=ProjectRole.CONTRIBUTOR
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_once")
        ]

    def __str__(self):
        return f"{self.user_id} ({self.role}) in {self.project_id}"


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    status = models.CharField(
        _("column"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_tasks",
        verbose_name=_("assignee"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    # Bumped by every move in the same UPDATE; a stale version tells the mover that
    # someone else moved the task in between (their move is kept in the history).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "created_at", "id"]
        indexes = [models.Index(fields=["project", "status"], name="task_board_idx")]

    def __str__(self):
        return self.title


class TaskMove(models.Model):
    """Every move of a task: concurrent moves are all kept, the last one is the state."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="moves")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=8, choices=TaskStatus.choices)
    to_status = models.CharField(max_length=8, choices=TaskStatus.choices)
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    due_on = models.DateField(_("date"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class ProjectUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("update"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.body[:60]


class LinkKind(models.TextChoices):
    RESOURCE = "resource", _("Resource")
    PRACTICE = "practice", _("Practice")
    TOPIC = "topic", _("Topic")


class ProjectLink(models.Model):
    """A link to a resource, practice or topic of the same community (one FK per kind)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    resource = models.ForeignKey(
        "library.Resource", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    practice = models.ForeignKey(
        "library.Practice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "discussions.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(resource__isnull=False, practice__isnull=True, topic__isnull=True)
                    | models.Q(resource__isnull=True, practice__isnull=False, topic__isnull=True)
                    | models.Q(resource__isnull=True, practice__isnull=True, topic__isnull=False)
                ),
                name="project_link_one_target",
            ),
            models.UniqueConstraint(fields=["project", "resource"], name="project_link_resource"),
            models.UniqueConstraint(fields=["project", "practice"], name="project_link_practice"),
            models.UniqueConstraint(fields=["project", "topic"], name="project_link_topic"),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.resource or self.practice or self.topic

    @property
    def kind(self) -> str:
        if self.resource_id:
            return LinkKind.RESOURCE
        if self.practice_id:
            return LinkKind.PRACTICE
        return LinkKind.TOPIC
