"""Forms for opportunities: publishing, filtering the lists, saying "I'm interested"."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koinon.communities.models import Group
from koinon.opportunities.models import (
    DESCRIPTION_MAX_LENGTH,
    INTEREST_NOTE_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    OpportunityKind,
)

DEFAULT_OPEN_FOR = datetime.timedelta(days=30)


class OpportunityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What is offered or wanted, by whom, and how to take part. Markdown is allowed."
        ),
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("The whole community"),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=LOCATION_MAX_LENGTH,
        required=False,
        help_text=_("A city, a region or a country; leave empty if it does not matter."),
    )
    remote = forms.BooleanField(label=_("Can be done remotely"), required=False)
    expires_on = forms.DateField(
        label=_("Open until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day on which people can answer."),
    )

    def __init__(self, *args, community=None, groups=None, fixed_kind=None, editing=False, **kw):
        super().__init__(*args, **kw)
        if groups is None and community is not None:
            groups = Group.objects.filter(community=community)
        if editing or groups is None or not groups.exists():
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups
        if fixed_kind:
            self.fields["kind"].choices = [
                (value, label) for value, label in OpportunityKind.choices if value == fixed_kind
            ]
            self.fields["kind"].initial = fixed_kind
        if not self.is_bound and "expires_on" not in self.initial:
            self.initial["expires_on"] = timezone.localdate() + DEFAULT_OPEN_FOR

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(
                _("The expiry date is in the past: choose today or a later day.")
            )
        return value


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds"))] + list(OpportunityKind.choices),
        required=False,
    )
    remote = forms.BooleanField(label=_("Remote only"), required=False)
    q = forms.CharField(label=_("Words"), max_length=100, required=False)

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("remote"):
            queryset = queryset.filter(remote=True)
        words = (data.get("q") or "").split()[:5]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(location__icontains=word)
            )
        return queryset


class InterestForm(forms.Form):
    note = forms.CharField(
        label=_("A few words for the author (optional)"),
        max_length=INTEREST_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
