from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.standards.models import (
    AMENDMENT_MAX_LENGTH,
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Choice,
    StandardKind,
    StandardStatus,
)

BODY_HELP = _(
    "Markdown. Split the text into sections with headings (## Title): "
    "comments and amendments refer to a section."
)


def text_field(label, max_length, *, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


class StandardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StandardKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = text_field(_("Summary"), SUMMARY_MAX_LENGTH, rows=3, required=False)
    body = text_field(_("Text"), BODY_MAX_LENGTH, rows=16, help_text=BODY_HELP)
    group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=None,
        required=False,
        empty_label=_("No group: the named drafters"),
        help_text=_("Its members draft the text with you."),
    )
    eligible_group = forms.ModelChoiceField(
        label=_("Who may amend and ratify"),
        queryset=None,
        required=False,
        empty_label=_("Every member of the community"),
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("A short note for the change log (optional)."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    topic = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    practice = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, community, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        groups = community.groups.order_by("name")
        self.fields["group"].queryset = groups
        self.fields["eligible_group"].queryset = groups
        if editing:
            for name in ("group", "eligible_group", "topic", "practice"):
                del self.fields[name]
        else:
            del self.fields["base_version"]


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *StandardKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *StandardStatus.choices], required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )


class AmendmentForm(forms.Form):
    text = text_field(
        _("The section as you propose it"),
        AMENDMENT_MAX_LENGTH,
        rows=10,
        help_text=_("It replaces the whole section, heading included."),
    )
    rationale = text_field(_("Why"), COMMENT_MAX_LENGTH, rows=4)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=NOTE_MAX_LENGTH)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReviewForm(forms.Form):
    opens_at = forms.DateField(label=_("Review opens on"), widget=DATE_INPUT)
    closes_at = forms.DateField(
        label=_("Review closes on"),
        widget=DATE_INPUT,
        help_text=_("Amendments are taken until the end of this day."),
    )


class OpenVoteForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("The vote closes at"),
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    quorum = forms.IntegerField(
        label=_("Quorum (%)"),
        help_text=_("The share of eligible members who must vote (abstentions count)."),
        initial=50,
    )
    threshold = forms.IntegerField(
        label=_("Approval threshold (%)"),
        help_text=_("The share of approvals among those who did not abstain."),
        initial=66,
    )
    group = forms.ModelChoiceField(
        label=_("Eligible members"),
        queryset=None,
        required=False,
        empty_label=_("Every member of the community"),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = community.groups.order_by("name")


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=NOTE_MAX_LENGTH
    )


class DrafterForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a member"))


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("From version"), min_value=1)
    b = forms.IntegerField(label=_("To version"), min_value=1)
