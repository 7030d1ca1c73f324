"""The knowledge library: versioned practices, lessons learned and shared resources."""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 1000
TEXT_MAX_LENGTH = 8000
BODY_MAX_LENGTH = 64_000
NOTE_MAX_LENGTH = 500


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    RETIRED = "retired", _("Retired")


class Practice(models.Model):
    """A method, technique, procedure or checklist the community refines over time.

    The current text lives here; every save also writes a `PracticeVersion`, and
    `version` is the number of the latest one (used for optimistic locking).
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="practices"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("address"), max_length=80)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX_LENGTH)
    when_to_use = models.TextField(_("when to use it"), max_length=TEXT_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    tags = models.ManyToManyField(
        "discussions.Tag", blank=True, related_name="practices", verbose_name=_("tags")
    )
    maintainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="maintained_practices",
        verbose_name=_("maintainers"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PracticeStatus.choices,
        default=PracticeStatus.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    adoption_count = models.PositiveIntegerField(_("adoptions"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="practice_slug_once"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practice-detail", args=[self.community.slug, self.slug])


class PracticeVersion(models.Model):
    """A snapshot of a practice's text after one save; never changed afterwards."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX_LENGTH)
    when_to_use = models.TextField(_("when to use it"), max_length=TEXT_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=NOTE_MAX_LENGTH, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("practice version")
        verbose_name_plural = _("practice versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_version_once"),
        ]

    def __str__(self):
        return f"{self.practice_id} v{self.number}"


class Adoption(models.Model):
    """A member says "I use this" about a practice, with an optional note."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_adoptions"
    )
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="adoption_once"),
        ]

    def __str__(self):
        return f"{self.user_id} uses {self.practice_id}"


class Outcome(models.TextChoices):
    WORKED = "worked", _("It worked")
    PARTLY = "partly", _("It partly worked")
    FAILED = "failed", _("It failed")


class Lesson(models.Model):
    """One entry in the community's log of experiments and errors.

    Anonymous lessons keep their author (so they can edit) but never show it.
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    context = models.TextField(_("context"), max_length=TEXT_MAX_LENGTH)
    tried = models.TextField(_("what we tried"), max_length=TEXT_MAX_LENGTH)
    outcome = models.CharField(
        _("what happened"), max_length=8, choices=Outcome.choices, db_index=True
    )
    learned = models.TextField(_("what we learned"), max_length=TEXT_MAX_LENGTH)
    recommend = models.TextField(_("what we recommend"), max_length=TEXT_MAX_LENGTH, blank=True)
    practices = models.ManyToManyField(
        Practice, blank=True, related_name="lessons", verbose_name=_("practices it affects")
    )
    is_anonymous = models.BooleanField(_("posted anonymously"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "outcome", "-created_at"], name="lesson_list_idx")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lesson-detail", args=[self.community.slug, self.pk])

    @property
    def went_wrong(self) -> bool:
        return self.outcome in (Outcome.FAILED, Outcome.PARTLY)


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ChangeProposal(models.Model):
    """A change to a practice that a lesson suggests; its maintainers accept or decline it."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="proposals")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="proposals")
    text = models.TextField(_("proposed change"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.OPEN,
        db_index=True,
    )
    reason = models.CharField(_("reason"), max_length=NOTE_MAX_LENGTH, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "practice"], name="proposal_once"),
        ]

    def __str__(self):
        return f"Lesson {self.lesson_id} → practice {self.practice_id} ({self.status})"


# --- Resources ------------------------------------------------------------------------


class ProtectedStorage(FileSystemStorage):
    """Uploaded library files: outside MEDIA_ROOT, never served by the web server.

    They are read only by the download view, after the policy has been asked.
    The location is read from the settings on each use (tests point it elsewhere).
    """

    @property
    def base_location(self):
        root = getattr(settings, "LIBRARY_PROTECTED_ROOT", None)
        return str(root or settings.VAR_DIR / "protected")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Protected files have no public address; use the download view.")


_protected = ProtectedStorage()


def protected_storage():
    return _protected


def resource_file_path(resource, filename):
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"library/{secrets.token_urlsafe(24)}{extension}"


class ResourceKind(models.TextChoices):
    PUBLICATION = "publication", _("Publication")
    STUDY = "study", _("Industry study")
    DATASET = "dataset", _("Data set")
    TOOL = "tool", _("Tool")
    TEMPLATE = "template", _("Template")
    LINK = "link", _("Link")
    FILE = "file", _("File")


class Resource(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(
        _("authors"),
        max_length=1000,
        blank=True,
        help_text=_("Separated by semicolons, e.g. “Rossi, Maria; Bianchi, Luca”."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=40, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    file = models.FileField(
        _("file"), storage=protected_storage, upload_to=resource_file_path, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "kind"], name="resource_kind_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resource-detail", args=[self.community.slug, self.pk])

    @property
    def author_list(self) -> list[str]:
        return [a.strip() for a in self.authors.split(";") if a.strip()]


class ResourceReview(models.Model):
    """ "Useful for…": what a member found a resource good for."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_reviews"
    )
    useful_for = models.CharField(_("useful for…"), max_length=200)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "author"], name="review_once"),
        ]

    def __str__(self):
        return f"{self.author_id} on {self.resource_id}"


class ReadingList(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="reading_lists"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    resources = models.ManyToManyField(
        Resource, through="ReadingListItem", related_name="reading_lists"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reading-list-detail", args=[self.community.slug, self.pk])


class ReadingListItem(models.Model):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading list entry")
        verbose_name_plural = _("reading list entries")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "resource"], name="reading_item_once"),
        ]

    def __str__(self):
        return f"{self.resource_id} in {self.reading_list_id}"


class PracticeDiscussion(models.Model):
    """A discussion topic opened from a practice ("discuss this practice")."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="discussions")
    topic = models.ForeignKey(
        "discussions.Topic", on_delete=models.CASCADE, related_name="practice_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("practice discussion")
        verbose_name_plural = _("practice discussions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "topic"], name="practice_topic_once"),
        ]

    def __str__(self):
        return f"Topic {self.topic_id} about practice {self.practice_id}"
