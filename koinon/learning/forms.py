"""Forms for the learning pages; the actions check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.learning.models import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ActivityKind,
    EnrolmentPolicy,
    GoalStatus,
    LatePolicy,
)

LEVEL_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Letters, numbers and hyphens; made from the title if left empty."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )
    outcomes = forms.CharField(
        label=_("Learning outcomes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One outcome per line."),
    )
    skills = forms.CharField(
        label=_("Skills it develops"),
        max_length=1000,
        required=False,
        help_text=_("Separated by commas."),
    )
    criteria = forms.CharField(
        label=_("Peer-review rubric"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One criterion per line; reviewers score each from 1 to 5."),
    )

    def skill_names(self) -> list[str]:
        raw = self.cleaned_data.get("skills") or ""
        return [s.strip() for s in raw.split(",") if s.strip()][:20]


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    content = forms.CharField(
        label=_("Content"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is allowed."),
    )
    resources = forms.ModelMultipleChoiceField(
        label=_("Resources from the library"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    practices = forms.ModelMultipleChoiceField(
        label=_("Practices from the library"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activity = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices, required=False)
    activity_prompt = forms.CharField(
        label=_("What to do"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The question to reflect on or the task to hand in."),
    )
    questions = forms.CharField(
        label=_("Quiz questions"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "For a quiz: a question on one line, then its answers one per line, the correct "
            "ones starting with “*” and the others with “-”; a blank line between questions."
        ),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from koinon.library.models import Practice, Resource

        resources = Resource.objects.filter(community=community).order_by("title")
        practices = Practice.objects.filter(community=community).order_by("title")
        self.fields["resources"].queryset = resources
        self.fields["practices"].queryset = practices
        if not resources.exists():
            del self.fields["resources"]
        if not practices.exists():
            del self.fields["practices"]

    def clean_questions(self):
        raw = self.cleaned_data.get("questions") or ""
        questions = []
        for block in raw.replace("\r\n", "\n").split("\n\n"):
            lines = [line.strip() for line in block.splitlines() if line.strip()]
            if not lines:
                continue
            choices = []
            for line in lines[1:]:
                if line[0] not in "*-":
                    raise forms.ValidationError(
                        _("Start every answer with “*” (correct) or “-” (wrong).")
                    )
                choices.append((line[1:].strip(), line[0] == "*"))
            questions.append((lines[0], choices))
        return questions


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    enrolment = forms.ChoiceField(
        label=_("Enrolment"), choices=EnrolmentPolicy.choices, widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    handin_deadline = forms.DateTimeField(
        label=_("Hand-in deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    late_policy = forms.ChoiceField(
        label=_("Late hand-ins"), choices=LatePolicy.choices, widget=forms.RadioSelect
    )
    peer_reviewers = forms.IntegerField(
        label=_("Peer reviewers per hand-in"), min_value=0, max_value=10, initial=2
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessions (coming events of the community)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, community, include=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q
        from django.utils import timezone

        from koinon.events.models import Event

        # Coming events, and (when editing) the sessions already chosen, even past ones.
        chosen = Q(pk__in=include.values("pk")) if include is not None else Q(pk__in=[])
        events = Event.objects.filter(
            Q(community=community, ends_at__gte=timezone.now()) | chosen
        ).order_by("starts_at")
        self.fields["sessions"].queryset = events
        if not events.exists():
            del self.fields["sessions"]


class HandInForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown is allowed. Your draft is saved as you write."),
    )


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Feedback"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is allowed."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a member"))


class PeerReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=criterion.title, choices=LEVEL_CHOICES, widget=forms.RadioSelect
            )

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class AssessmentForm(forms.Form):
    skill = forms.CharField(label=_("Skill"), max_length=80)
    level = forms.TypedChoiceField(
        label=_("Level (1 to 5)"), choices=LEVEL_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    assessed_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class GoalForm(forms.Form):
    skill = forms.CharField(label=_("Skill"), max_length=80)
    target_level = forms.TypedChoiceField(
        label=_("Target level"), choices=LEVEL_CHOICES, coerce=int
    )
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=TITLE_MAX_LENGTH, required=False)
    resource = forms.ModelChoiceField(
        label=_("Or a resource from the library"), queryset=None, required=False
    )
    practice = forms.ModelChoiceField(
        label=_("Or a practice from the library"), queryset=None, required=False
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from koinon.library.models import Practice, Resource

        self.fields["resource"].queryset = Resource.objects.filter(community=community).order_by(
            "title"
        )
        self.fields["practice"].queryset = Practice.objects.filter(community=community).order_by(
            "title"
        )


class MeetingNoteForm(forms.Form):
    met_on = forms.DateField(
        label=_("Date of the meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    body = forms.CharField(
        label=_("Notes"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is allowed."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is allowed."),
    )
