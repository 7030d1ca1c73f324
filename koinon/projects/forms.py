from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.projects.models import (
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    IdeaStatus,
    ProjectRole,
    ProjectVisibility,
    TaskStatus,
)

OUTCOME_CHOICES = [
    ("worked", _("It worked")),
    ("partly", _("It partly worked")),
    ("failed", _("It failed")),
]


def text_field(label, max_length=TEXT_MAX_LENGTH, *, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def title_field():
    return forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)


class IdeaForm(forms.Form):
    title = title_field()
    problem = text_field(_("The problem"), help_text=_("What does not work today, and for whom?"))
    proposal = text_field(_("The proposal"), help_text=_("What would you do about it?"))
    benefit = text_field(_("Expected benefit"), rows=3)


class IdeaSortForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("support", _("Most supported")),
            ("recent", _("Most recent")),
            ("status", _("Status")),
        ],
    )


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=IdeaStatus.choices)
    reason = text_field(
        _("Reason"),
        REASON_MAX_LENGTH,
        rows=2,
        required=False,
        help_text=_("Required to decline; everyone can read it."),
    )


class ExperimentForm(forms.Form):
    title = title_field()
    hypothesis = text_field(_("Hypothesis"), help_text=_("What do you expect to happen, and why?"))
    tried = text_field(_("What will be tried"))
    measure = text_field(_("How success is measured"), rows=3)
    participants = forms.ModelMultipleChoiceField(
        label=_("Who takes part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Start"), widget=DateInput)
    ends_on = forms.DateField(label=_("End"), widget=DateInput)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        # Bounded: the first 200 members by name; more would not fit a checklist anyway.
        users = get_user_model().objects.select_related("profile")
        pks = list(
            users.filter(memberships__community=community)
            .order_by("profile__display_name", "pk")
            .values_list("pk", flat=True)[:200]
        )
        field = self.fields["participants"]
        field.queryset = users.filter(pk__in=pks).order_by("profile__display_name", "pk")
        field.label_from_instance = lambda user: user.display_name

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end cannot come before the start."))
        return data


class CloseExperimentForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did it go?"),
        choices=OUTCOME_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    learned = text_field(
        _("What we learned"),
        required=False,
        help_text=_("Failed experiments teach as much as successful ones: write it down."),
    )


class ProjectForm(forms.Form):
    title = title_field()
    purpose = text_field(_("Purpose"))
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=ProjectVisibility.choices,
        initial=ProjectVisibility.COMMUNITY,
        widget=forms.RadioSelect,
    )
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DateInput)


class TaskForm(forms.Form):
    title = title_field()
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody yet")
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        field = self.fields["assignee"]
        field.queryset = (
            get_user_model()
            .objects.filter(project_memberships__project=project)
            .select_related("profile")
            .order_by("profile__display_name", "pk")
        )
        field.label_from_instance = lambda user: user.display_name


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)
    version = forms.IntegerField(required=False, min_value=1)


class MilestoneForm(forms.Form):
    title = title_field()
    due_on = forms.DateField(label=_("Date"), widget=DateInput)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a community member"))
    role = forms.ChoiceField(label=_("Role"), choices=ProjectRole.choices)


class UpdateForm(forms.Form):
    body = text_field(_("What happened?"), rows=3)


class LinkForm(forms.Form):
    """Choose one resource, practice or topic of the community (the latest 100 of each)."""

    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None, required=False)
    practice = forms.ModelChoiceField(label=_("Practice"), queryset=None, required=False)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from koinon.discussions.models import Topic
        from koinon.library.models import Practice, Resource

        for name, model in (("resource", Resource), ("practice", Practice), ("topic", Topic)):
            field = self.fields[name]
            pks = list(
                model.objects.filter(community=community)
                .order_by("-pk")
                .values_list("pk", flat=True)[:100]
            )
            field.queryset = model.objects.filter(pk__in=pks).order_by("title")
            field.empty_label = _("None")

    def clean(self):
        data = super().clean()
        chosen = [n for n in ("resource", "practice", "topic") if data.get(n)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose exactly one thing to link."))
        return data
