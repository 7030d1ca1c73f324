from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koinon.communities.models import ROLE_RANK, Membership
from koinon.moderation.models import FLAG_TEXT_MAX_LENGTH, REASON_MAX_LENGTH, FlagReason


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details (optional; needed for “Something else”)"),
        max_length=FLAG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=REASON_MAX_LENGTH, required=False
    )


class ReviewForm(ReasonForm):
    decision = forms.ChoiceField(
        choices=[("hide", "hide"), ("delete", "delete"), ("restore", "restore")]
    )


class BlockForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=Membership.objects.none())
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=REASON_MAX_LENGTH
    )
    ends_on = forms.DateField(
        label=_("Blocked until (optional; empty: until unblocked)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, community, rank, **kwargs):
        super().__init__(*args, **kwargs)
        below = [role for role, value in ROLE_RANK.items() if value < rank]
        field = self.fields["user"]
        field.queryset = (
            Membership.objects.filter(community=community, role__in=below)
            .select_related("user__profile")
            .order_by("user__profile__display_name", "user_id")
        )
        field.label_from_instance = lambda m: m.user.display_name
        field.to_field_name = "user_id"

    def clean_ends_on(self):
        day = self.cleaned_data.get("ends_on")
        if day is None:
            return None
        ends_at = timezone.make_aware(datetime.combine(day, time.max.replace(microsecond=0)))
        if ends_at <= timezone.now():
            raise forms.ValidationError(_("The end of the block must be in the future."))
        return ends_at


class AuditFilterForm(forms.Form):
    """The audit log of one kind of action only."""

    verb = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, **kwargs):
        from koinon.moderation.queries import VERB_LABELS

        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", _("Every action")), *VERB_LABELS.items()]
