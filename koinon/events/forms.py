"""Forms for events: times are typed in the event's own time zone."""

import zoneinfo
from functools import cache

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koinon.accounts.models import User
from koinon.events.models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, EventKind

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@cache
def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time without a zone: the action reads it in the event's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.make_naive(result)
        return result


def local_initial(value, tz):
    return timezone.make_naive(value, tz).strftime(LOCAL_FORMAT) if value else None


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )
    group = forms.ModelChoiceField(label=_("Group"), queryset=None, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Shown only to people registered for the event."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    hosts = forms.ModelMultipleChoiceField(
        label=_("Hosts"), queryset=User.objects.none(), required=False
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"), queryset=User.objects.none(), required=False
    )
    speaker_names = forms.CharField(
        label=_("Other speakers"),
        max_length=500,
        required=False,
        help_text=_("Speakers who are not members, separated by commas."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), required=False, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = LocalDateTimeField(label=_("Registration opens"), required=False)
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"),
        required=False,
        help_text=_("If empty, registration closes when the event starts."),
    )
    materials = forms.CharField(
        label=_("Materials"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Slides, notes and links after the event. Markdown is allowed."),
    )
    recording_url = forms.URLField(
        label=_("Recording"), required=False, max_length=500, assume_scheme="https"
    )
    rrule = forms.CharField(
        label=_("Repeat"),
        max_length=500,
        required=False,
        help_text=_(
            "Leave empty for a single event. An iCalendar rule that ends, e.g. "
            "FREQ=WEEKLY;COUNT=10, FREQ=WEEKLY;INTERVAL=2;UNTIL=20270630 or "
            "FREQ=MONTHLY;BYDAY=1TU;COUNT=6."
        ),
    )
    exdates = forms.CharField(
        label=_("Except on"),
        max_length=2000,
        required=False,
        help_text=_("Dates without a meeting, e.g. 2027-04-06, 2027-08-10."),
    )

    def __init__(self, *args, community, members, with_recurrence=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = community.groups.all()
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["time_zone"].initial = timezone.get_default_timezone_name()
        self.fields["hosts"].queryset = members
        self.fields["speakers"].queryset = members
        self.fields["hosts"].label_from_instance = lambda user: user.display_name
        self.fields["speakers"].label_from_instance = lambda user: user.display_name
        if with_recurrence:
            del self.fields["materials"]
            del self.fields["recording_url"]
        else:
            del self.fields["rrule"]
            del self.fields["exdates"]
            del self.fields["group"]


class SeriesRuleForm(forms.Form):
    """A series' repeat rule and exceptions, changed after creation."""

    rrule = forms.CharField(
        label=_("Repeat"),
        max_length=500,
        help_text=_(
            "An iCalendar rule that ends, counted from the first meeting, e.g. "
            "FREQ=WEEKLY;COUNT=10 or FREQ=MONTHLY;BYDAY=1TU;COUNT=6."
        ),
    )
    exdates = forms.CharField(
        label=_("Except on"),
        max_length=2000,
        required=False,
        help_text=_("Dates without a meeting, e.g. 2027-04-06, 2027-08-10."),
    )


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[("this", _("This meeting only")), ("series", _("Every coming meeting"))],
        initial="this",
        widget=forms.RadioSelect,
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The code shown at the event."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 is the best."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
