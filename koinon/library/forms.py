from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.discussions.models import MAX_TAGS
from koinon.library.models import (
    BODY_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Outcome,
    PracticeStatus,
    ResourceKind,
)

MARKDOWN_HELP = _("Markdown is allowed: **bold**, *italic*, lists, links, tables and quotes (>).")


def text_field(label, max_length, *, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


def tags_field():
    return forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Up to %(max)s, separated by commas.") % {"max": MAX_TAGS},
    )


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = text_field(
        _("Summary"), SUMMARY_MAX_LENGTH, rows=3, help_text=_("Two or three sentences.")
    )
    when_to_use = text_field(_("When to use it"), TEXT_MAX_LENGTH, required=False)
    body = text_field(_("Text"), BODY_MAX_LENGTH, rows=14, help_text=MARKDOWN_HELP)
    tags = tags_field()
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("A short note for the history (optional)."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class PracticeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *PracticeStatus.choices], required=False
    )
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True, max_length=40)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PracticeStatus.choices)


class AdoptForm(forms.Form):
    note = forms.CharField(
        label=_("How you use it (optional)"), required=False, max_length=NOTE_MAX_LENGTH
    )


class MaintainerForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a member"))


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("From version"), min_value=1)
    b = forms.IntegerField(label=_("To version"), min_value=1)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    context = text_field(_("Context"), TEXT_MAX_LENGTH, help_text=_("Where and when, and why."))
    tried = text_field(_("What we tried"), TEXT_MAX_LENGTH)
    outcome = forms.ChoiceField(
        label=_("What happened"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    learned = text_field(_("What we learned"), TEXT_MAX_LENGTH)
    recommend = text_field(_("What we recommend"), TEXT_MAX_LENGTH, required=False)
    practices = forms.ModelMultipleChoiceField(
        label=_("Practices it affects"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposal_practice = forms.ModelChoiceField(
        label=_("Propose a change to the practice"),
        queryset=None,
        required=False,
        empty_label=_("No change proposed"),
    )
    proposal = text_field(
        _("The change you propose"),
        TEXT_MAX_LENGTH,
        required=False,
        help_text=_("The practice's maintainers will see it on the practice's page."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Post anonymously"),
        required=False,
        help_text=_("Members will see “Anonymous member” instead of your name."),
    )

    def __init__(self, *args, community, allow_anonymous=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        practices = community.practices.order_by("title")
        self.fields["practices"].queryset = practices
        self.fields["proposal_practice"].queryset = practices
        if editing:
            for name in ("proposal_practice", "proposal", "is_anonymous"):
                del self.fields[name]
        elif not allow_anonymous:
            del self.fields["is_anonymous"]


class LessonFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"), choices=[("", _("All")), *Outcome.choices], required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=NOTE_MAX_LENGTH)


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=1000,
        help_text=_("Separated by semicolons, e.g. “Rossi, Maria; Bianchi, Luca”."),
    )
    year = forms.IntegerField(label=_("Year"), required=False)
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=300)
    url = forms.CharField(label=_("Web address"), required=False, max_length=1000)
    doi = forms.CharField(
        label=_("DOI"), required=False, max_length=200, help_text=_("For example 10.1000/xyz123.")
    )
    isbn = forms.CharField(label=_("ISBN"), required=False, max_length=30)
    licence = forms.CharField(label=_("Licence"), required=False, max_length=200)
    language = forms.CharField(label=_("Language"), required=False, max_length=40)
    description = text_field(_("Description"), TEXT_MAX_LENGTH, required=False)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, images, text or CSV, or office documents; at most %(max)s MB. "
            "Only those who can see this community can download it."
        ),
    )
    remove_file = forms.BooleanField(label=_("Remove the current file"), required=False)

    def __init__(self, *args, max_mb=25, has_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"max": max_mb}
        if not has_file:
            del self.fields["remove_file"]


class ResourceFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *ResourceKind.choices], required=False
    )


class ReviewForm(forms.Form):
    useful_for = forms.CharField(label=_("Useful for…"), max_length=200)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReadingListForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = text_field(_("Description"), TEXT_MAX_LENGTH, required=False)


class AddToListForm(forms.Form):
    reading_list = forms.ModelChoiceField(label=_("Reading list"), queryset=None, empty_label=None)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reading_list"].queryset = lists
