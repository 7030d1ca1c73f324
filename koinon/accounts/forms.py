from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


def _privacy_label():
    return format_html(
        _('I have read the <a href="{}">privacy notice</a>.'), reverse_lazy("privacy")
    )


class SignupExtraForm(forms.Form):
    """Extra sign-up questions: age of digital consent (14 in Italy) and the privacy notice."""

    is_at_least_14 = forms.BooleanField(
        label=_("I am at least 14 years old."),
        required=True,
        error_messages={"required": _("You must be at least 14 years old to sign up.")},
    )
    accepts_privacy = forms.BooleanField(
        label=lazy(_privacy_label, str)(),
        required=True,
        error_messages={"required": _("Please read and accept the privacy notice.")},
    )

    def signup(self, request, user):
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save(update_fields=["language"])
