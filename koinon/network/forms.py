from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.communities.forms import LANGUAGE_CHOICES

LEVEL_CHOICES = [("", _("Any level"))] + [(str(n), str(n)) for n in range(1, 6)]
OPEN_TO_CHOICES = [
    ("", _("Anything")),
    ("mentoring", _("mentoring others")),
    ("being_mentored", _("being mentored")),
    ("collaboration", _("collaboration")),
    ("jobs", _("job offers")),
]


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Name, headline or organisation"), required=False, max_length=100)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=80)
    min_level = forms.TypedChoiceField(
        label=_("Skill level at least"),
        required=False,
        choices=LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
    )
    expertise = forms.CharField(label=_("Expertise area"), required=False, max_length=80)
    sector = forms.CharField(label=_("Sector"), required=False, max_length=80)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *LANGUAGE_CHOICES]
    )
    place = forms.CharField(
        label=_("City or country"),
        required=False,
        max_length=80,
        help_text=_("A city, or a two-letter country code such as IT."),
    )
    open_to = forms.ChoiceField(label=_("Open to"), required=False, choices=OPEN_TO_CHOICES)
