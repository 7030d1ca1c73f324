from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.polls.models import MAX_OPTIONS, QUESTION_MAX_LENGTH


class PollForm(forms.Form):
    """A poll's question and options; `optional` on the new-topic page (no question, no poll)."""

    poll_question = forms.CharField(
        label=_("Poll question"), max_length=QUESTION_MAX_LENGTH, required=False
    )
    poll_options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option per line, from 2 to %(max)s.") % {"max": MAX_OPTIONS},
    )
    poll_multiple = forms.BooleanField(label=_("Allow several answers"), required=False)
    poll_public_voters = forms.BooleanField(
        label=_("Show who voted for what"),
        required=False,
        help_text=_("Otherwise only the counts are shown."),
    )
    poll_closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to close it by hand."),
    )

    def __init__(self, *args, optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.optional = optional
        if not optional:
            self.fields["poll_question"].required = True
            self.fields["poll_question"].error_messages["required"] = _(
                "Please write the poll's question."
            )

    def wants_poll(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("poll_question") or data.get("poll_options", "").strip())

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "question": data.get("poll_question", ""),
            "options": data.get("poll_options", ""),
            "multiple": data.get("poll_multiple", False),
            "public_voters": data.get("poll_public_voters", False),
            "closes_at": data.get("poll_closes_at"),
        }
