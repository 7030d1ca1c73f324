"""Events of a community or group, recurring series, registrations and calendar tokens.

Times are stored as aware datetimes (UTC in the database) together with the event's
IANA time zone, so a meeting at 18:00 Europe/Rome stays at 18:00 local time across
daylight-saving changes and is shown with its zone named.

A recurring series is a `Series` row (the RRULE, its exceptions and the local time it
was planned in) plus one `Event` row per occurrence. Occurrences are materialised as
rows because people register for one occurrence: each has its own capacity, wait list,
cancellation and (once edited on its own) its own details. Rules must end (COUNT or
UNTIL) and may produce at most `MAX_OCCURRENCES` occurrences.
"""

import secrets
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 20000
MAX_OCCURRENCES = 200


def default_time_zone() -> str:
    return settings.TIME_ZONE


CHECK_IN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6))


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar")
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    MEETUP = "meetup", _("Meetup")
    TRAINING = "training", _("Training session")


class Series(models.Model):
    """A recurring meeting: the rule, its exceptions and where its occurrences come from."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="event_series"
    )
    rrule = models.CharField(
        _("repeat rule"),
        max_length=500,
        help_text=_("An iCalendar RRULE, e.g. FREQ=WEEKLY;COUNT=10 or FREQ=MONTHLY;BYDAY=1TU."),
    )
    exdates = models.JSONField(
        _("exceptions"), default=list, blank=True, help_text=_("Local dates that are skipped.")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    first_start = models.DateTimeField(_("first start"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return f"series {self.pk}: {self.rrule}"

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class Event(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="events"
    )
    group = models.ForeignKey(
        "communities.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("group"),
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="occurrences"
    )
    # The start this occurrence had in the rule (RECURRENCE-ID), kept when it is moved.
    recurrence_id = models.DateTimeField(null=True, blank=True)
    # Edited on its own: whole-series edits leave it alone.
    is_override = models.BooleanField(default=False)
    kind = models.CharField(
        _("kind"), max_length=12, choices=EventKind.choices, default=EventKind.MEETUP
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("Markdown is allowed."),
    )
    description_html = models.TextField(blank=True, editable=False)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to people registered for the event."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hosted_events", verbose_name=_("hosts")
    )
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="speaking_events",
        verbose_name=_("speakers"),
    )
    speaker_names = models.CharField(
        _("other speakers"),
        max_length=500,
        blank=True,
        help_text=_("Speakers who are not members, separated by commas."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE, bumped on edits
    # Shown at the event; people check themselves in with it.
    check_in_code = models.CharField(max_length=12, default=new_check_in_code, editable=False)
    materials = models.TextField(
        _("materials"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("Slides, notes and links after the event. Markdown is allowed."),
    )
    materials_html = models.TextField(blank=True, editable=False)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
            ),
            models.UniqueConstraint(
                fields=["series", "recurrence_id"], name="event_one_occurrence_per_recurrence"
            ),
        ]
        indexes = [models.Index(fields=["community", "starts_at"], name="event_community_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("event-detail", args=[self.community.slug, self.pk])

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, self.tz)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, self.tz)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_recurring(self) -> bool:
        return self.series_id is not None

    @property
    def speaker_name_list(self) -> list[str]:
        return [name.strip() for name in self.speaker_names.split(",") if name.strip()]


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the wait list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, db_index=True
    )
    # Order of arrival for this event: the wait list is promoted by ascending position.
    position = models.PositiveIntegerField(_("position"))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(fields=["event", "position"], name="registration_position"),
        ]

    def __str__(self):
        return f"{self.user_id} → event {self.event_id} ({self.status})"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a member's personal calendar address; regenerating revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return f"calendar of {self.user_id}"

    def get_absolute_url(self):
        return reverse("events-personal-feed", args=[self.token])


class ReminderKind(models.TextChoices):
    DAY = "24h", _("24 hours before")
    HOUR = "1h", _("1 hour before")


class ReminderSent(models.Model):
    """One row per registration and kind: a reminder is sent at most once."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.kind} reminder for registration {self.registration_id}"


class Feedback(models.Model):
    """What someone who attended thought of the event: 1–5 and a comment."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5 from {self.user_id} on event {self.event_id}"
