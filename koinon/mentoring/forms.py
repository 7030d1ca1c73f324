"""Forms for the mentoring pages; the checks themselves live in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.accounts.fields import split_items
from koinon.accounts.models import ProfileSkill, User
from koinon.communities.models import Community
from koinon.mentoring.models import Format, GoalKind


def _my_communities(user):
    return Community.objects.filter(memberships__user=user).order_by("name")


class CommunityChoiceMixin:
    def _limit_communities(self, user):
        self.fields["community"].queryset = _my_communities(user)


class OfferForm(CommunityChoiceMixin, forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("All my communities"),
        help_text=_("Leave empty to offer to everyone who shares a community with you."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you can help with, in a few words."),
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills from your profile"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your level for each skill comes from your profile."),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes separated by commas, e.g. it, en."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.ONLINE)
    capacity = forms.IntegerField(
        label=_("How many people you can mentor at once"), min_value=1, max_value=50, initial=1
    )
    availability = forms.CharField(
        label=_("Availability"),
        max_length=300,
        required=False,
        help_text=_("For example: Tuesday evenings, one hour every two weeks."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_communities(user)
        held = ProfileSkill.objects.filter(user=user).select_related("skill")
        self.fields["skills"].choices = [
            (
                ps.skill.name,
                _("%(skill)s (level %(level)d)") % {"skill": ps.skill.name, "level": ps.level},
            )
            for ps in held
        ]
        if not kwargs.get("data"):
            self.initial.setdefault("languages", ", ".join(user.profile.languages))

    def clean_languages(self):
        return split_items(self.cleaned_data["languages"])


class RequestForm(CommunityChoiceMixin, forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("All my communities"),
        help_text=_("Leave empty to look for mentors in all your communities."),
    )
    goals = forms.CharField(
        label=_("Your goals"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would like to learn or achieve."),
    )
    priority_skills = forms.CharField(
        label=_("Skills you need most"),
        required=False,
        help_text=_("Separated by commas, e.g. SQL, Risk management."),
    )
    useful_skills = forms.CharField(
        label=_("Other useful skills"), required=False, help_text=_("Separated by commas.")
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes separated by commas, e.g. it, en."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"), required=False, help_text=_("For example Europe/Rome.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_communities(user)
        if not kwargs.get("data"):
            self.initial.setdefault("languages", ", ".join(user.profile.languages))
            self.initial.setdefault("time_zone", user.profile.time_zone)

    def clean_languages(self):
        return split_items(self.cleaned_data["languages"])

    def skills(self) -> dict[str, int]:
        wanted = dict.fromkeys(split_items(self.cleaned_data["useful_skills"]), 1)
        wanted.update(dict.fromkeys(split_items(self.cleaned_data["priority_skills"]), 2))
        return wanted


class AskForm(forms.Form):
    message = forms.CharField(
        label=_("A message to the mentor"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    request = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    kind = forms.ChoiceField(
        label=_("How progress is measured"), choices=GoalKind.choices, initial=GoalKind.PERCENT
    )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Session note"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the two of you can read it. Markdown is allowed."),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        help_text=_("5 is the best."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PairForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=User.objects.none())
    mentee = forms.ModelChoiceField(label=_("Mentee"), queryset=User.objects.none())

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__community=community, is_active=True)
        members = members.select_related("profile").order_by("profile__display_name", "email")
        self.fields["mentee"].queryset = members
        self.fields["mentor"].queryset = members.filter(mentoring_offers__is_active=True).distinct()
