"""The knowledge library: versioned practices, lessons learned and shared resources."""

from django.conf import settings
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
