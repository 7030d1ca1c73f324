from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.discussions.models import Label
from koinon.search import kinds


class SearchForm(forms.Form):
    ANSWERED = [("", _("All")), ("yes", _("Answered questions")), ("no", _("Unanswered questions"))]

    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    community = forms.SlugField(label=_("Community address"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All"))], required=False)
    label = forms.ChoiceField(
        label=_("Label"), choices=[("", _("All")), *Label.choices[1:]], required=False
    )
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True, max_length=40)
    answered = forms.ChoiceField(label=_("Questions"), choices=ANSWERED, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds of content whose app is installed.
        self.fields["kind"].choices = [("", _("All")), *kinds.choices()]

    def filters(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("q", None)
        data["answered"] = {"yes": True, "no": False}.get(data.get("answered"))
        return {key: value for key, value in data.items() if value not in ("", None)}
