from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from koinon.accounts import fields as checks
from koinon.accounts.models import ProfileVisibility, TokenScope


def _privacy_label():
    return format_html(_('I have read the <a href="{}">privacy notice</a>.'), reverse("privacy"))


class SignupExtraForm(forms.Form):
    """Extra sign-up questions: age of digital consent (14 in Italy) and the privacy notice."""

    # allauth orders its sign-up form by this: the two questions come after the passwords.
    field_order = [
        "email",
        "password1",
        "password2",
        "is_at_least_14",
        "accepts_privacy",
        "weekly_digest",
    ]

    is_at_least_14 = forms.BooleanField(
        label=_("I am at least 14 years old."),
        required=True,
        error_messages={"required": _("You must be at least 14 years old to sign up.")},
    )
    accepts_privacy = forms.BooleanField(
        # Lazy so the link follows the active language; SafeString so the link is not escaped.
        label=lazy(_privacy_label, SafeString)(),
        required=True,
        error_messages={"required": _("Please read and accept the privacy notice.")},
    )
    # Offered, never pre-ticked (GDPR): digests go only to people who chose them.
    weekly_digest = forms.BooleanField(
        label=_("Send me a weekly e-mail digest of my communities."), required=False
    )

    def signup(self, request, user):
        from koinon.notifications.actions import do_set_digests

        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save(update_fields=["language"])
        if self.cleaned_data.get("weekly_digest"):
            do_set_digests(user, weekly=True)


def _time_zone_choices():
    return [("", _("Not set")), *((tz, tz) for tz in sorted(checks.known_time_zones()))]


def _as_lines(values) -> str:
    return "\n".join(values or [])


class ProfileForm(forms.Form):
    """The profile; list fields are typed as text and parsed to lists."""

    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    handle = forms.CharField(
        label=_("Handle"),
        max_length=31,
        required=False,
        help_text=_(
            "People mention you in posts by writing @ and your handle: 3 to 30 letters a-z, "
            "digits and underscores."
        ),
    )
    headline = forms.CharField(
        label=_("Headline"),
        max_length=140,
        required=False,
        help_text=_("One line about what you do, e.g. “Project manager in healthcare”."),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    sector = forms.CharField(label=_("Sector"), max_length=80, required=False)
    expertise_areas = forms.CharField(
        label=_("Expertise areas"),
        required=False,
        help_text=_("Separated by commas, e.g. agile, risk management."),
    )
    languages = forms.CharField(
        label=_("Languages I speak"),
        required=False,
        help_text=_("Language codes separated by commas, e.g. it, en."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False, choices=_time_zone_choices)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two-letter code, e.g. IT."),
    )
    open_to_mentoring = forms.BooleanField(label=_("Mentoring others"), required=False)
    open_to_being_mentored = forms.BooleanField(label=_("Being mentored"), required=False)
    open_to_collaboration = forms.BooleanField(label=_("Collaboration"), required=False)
    open_to_jobs = forms.BooleanField(label=_("Job offers"), required=False)
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line, starting with https://."),
    )

    OPEN_TO = (
        "open_to_mentoring",
        "open_to_being_mentored",
        "open_to_collaboration",
        "open_to_jobs",
    )

    @classmethod
    def for_profile(cls, profile, data=None):
        initial = {name: getattr(profile, name) for name in cls.base_fields}
        initial["expertise_areas"] = ", ".join(profile.expertise_areas or [])
        initial["languages"] = ", ".join(profile.languages or [])
        initial["links"] = _as_lines(profile.links)
        initial["handle"] = profile.handle or ""
        initial["_user_id"] = profile.user_id
        return cls(data=data, initial=initial)

    def clean_handle(self):
        from koinon.accounts.handles import check_handle

        handle = self.cleaned_data["handle"].strip().lstrip("@").lower()
        if not handle:  # left empty: the handle stays as it is
            return None
        return check_handle(handle, user_id=self.initial.get("_user_id"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("handle", "") is None:
            del cleaned["handle"]
        return cleaned

    def clean_expertise_areas(self):
        return checks.check_list(checks.split_items(self.cleaned_data["expertise_areas"]))

    def clean_languages(self):
        return checks.check_languages(checks.split_items(self.cleaned_data["languages"], ", \n"))

    def clean_links(self):
        return checks.check_links(checks.split_items(self.cleaned_data["links"], "\n "))

    def clean_time_zone(self):
        return checks.check_time_zone(self.cleaned_data["time_zone"])

    def clean_country(self):
        return checks.check_country(self.cleaned_data["country"])


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Skill"), max_length=80)
    level = forms.IntegerField(
        label=_("Level"),
        min_value=1,
        max_value=5,
        help_text=_("From 1 (beginner) to 5 (expert)."),
        error_messages={
            "min_value": _("The level must be a whole number from 1 to 5."),
            "max_value": _("The level must be a whole number from 1 to 5."),
            "invalid": _("The level must be a whole number from 1 to 5."),
        },
    )


class SkillLevelForm(forms.Form):
    level = SkillForm.base_fields["level"]


class AvatarForm(forms.Form):
    # A plain file field: the image check is Pillow's, by content, in images.make_avatar.
    avatar = forms.FileField(
        label=_("New photo"),
        help_text=_("JPEG, PNG, GIF or WebP; it will be cropped to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of pages and e-mails"),
        choices=[("", _("Browser default")), *settings.LANGUAGES],
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see my profile"),
        choices=ProfileVisibility.choices,
        widget=forms.RadioSelect,
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “reporting script”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, initial=TokenScope.READ
    )


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Please confirm that you want to delete your account.")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."), code="wrong_password")
        return password
