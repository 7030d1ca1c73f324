from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.messaging.models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class PeopleField(forms.MultipleChoiceField):
    """Ids of people; whether each may be written to is the action's answer, which is
    clearer than "not a valid choice"."""

    def valid_value(self, value):
        return str(value).isdigit()

    def to_python(self, value):
        return [int(v) for v in super().to_python(value) if str(v).isdigit()]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BODY_MAX_LENGTH}),
        help_text=_("Markdown is allowed."),
        error_messages={"required": _("Write a message.")},
    )


class NewConversationForm(MessageForm):
    participants = PeopleField(
        label=_("To"),
        help_text=_("People who share a community with you or are connected to you."),
        error_messages={"required": _("Choose at least one person to write to.")},
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH, required=False)
    field_order = ["participants", "subject", "body"]

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(p.pk, p.display_name) for p in people]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The platform's staff will read the reported messages and your reason."),
    )
