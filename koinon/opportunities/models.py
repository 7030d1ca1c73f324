"""Opportunities: jobs, collaborations, calls for partners or projects, offers and
requests of resources.

An opportunity belongs to one community (optionally one of its groups, optionally one
of its projects when it is that project's call for partners). Those of public
communities are listed across the platform too. An opportunity is *live* while it is
open and its expiry date has not passed: only live ones are listed or answered. Expiry
needs no scheduled job: the lists filter on the date (`Opportunity.objects.live()`).
Closed and expired ones stay readable for their author.

"I'm interested" records one `Interest` per person (a database constraint) and opens a
direct conversation with the author.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 20000
LOCATION_MAX_LENGTH = 200
INTEREST_NOTE_MAX_LENGTH = 2000


class OpportunityKind(models.TextChoices):
    JOB = "job", pgettext_lazy("opportunity kind", "Job")
    COLLABORATION = "collaboration", pgettext_lazy("opportunity kind", "Collaboration")
    CALL_FOR_PARTNERS = "call_for_partners", pgettext_lazy("opportunity kind", "Call for partners")
    CALL_FOR_PROJECTS = "call_for_projects", pgettext_lazy("opportunity kind", "Call for projects")
    RESOURCE_OFFER = "resource_offer", pgettext_lazy("opportunity kind", "Offer of resources")
    RESOURCE_REQUEST = (
        "resource_request",
        pgettext_lazy("opportunity kind", "Request for resources"),
    )


class OpportunityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("opportunity status", "Open")
    CLOSED = "closed", pgettext_lazy("opportunity status", "Closed")


class OpportunityQuerySet(models.QuerySet):
    def live(self, today=None):
        """Open and not expired (the expiry day itself still counts)."""
        today = today or timezone.localdate()
        return self.filter(status=OpportunityStatus.OPEN, expires_on__gte=today)

    def not_live(self, today=None):
        today = today or timezone.localdate()
        return self.filter(Q(status=OpportunityStatus.CLOSED) | Q(expires_on__lt=today))


class Opportunity(models.Model):
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="opportunities",
        verbose_name=_("community"),
    )
    group = models.ForeignKey(
        "communities.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("group"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("project"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        _("description"), max_length=DESCRIPTION_MAX_LENGTH, help_text=_("Markdown is allowed.")
    )
    description_html = models.TextField(blank=True, editable=False)
    location = models.CharField(
        _("location"),
        max_length=LOCATION_MAX_LENGTH,
        blank=True,
        help_text=_("A city, a region or a country; leave empty if it does not matter."),
    )
    remote = models.BooleanField(_("can be done remotely"), default=False)
    expires_on = models.DateField(
        _("open until"), help_text=_("The last day on which people can answer.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "expires_on"], name="opportunity_live"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("opportunity-detail", args=[self.community.slug, self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == OpportunityStatus.CLOSED

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_live(self) -> bool:
        return not (self.is_closed or self.is_expired)


class Interest(models.Model):
    """One person's "I'm interested", with the conversation it opened."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opportunity_interests"
    )
    conversation = models.ForeignKey(
        "messaging.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "user"], name="opportunity_interest_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} interested in {self.opportunity_id}"
