from django import forms
from django.utils.translation import gettext_lazy as _

from koinon.discussions.models import (
    MAX_TAGS,
    POST_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Label,
    TopicKind,
)

BODY_HELP = _("Markdown is allowed: **bold**, *italic*, `code`, lists, links and quotes (>).")


def body_field(label):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": POST_MAX_LENGTH}),
        error_messages={"required": _("Please write something.")},
    )


def anonymous_field():
    return forms.BooleanField(
        label=_("Post anonymously"),
        required=False,
        help_text=_("Members will see “Anonymous member” instead of your name."),
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=TopicKind.choices,
        initial=TopicKind.DISCUSSION,
        widget=forms.RadioSelect,
    )
    body = body_field(_("Text"))
    label = forms.ChoiceField(label=_("Label"), choices=Label.choices, required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Up to %(max)s, separated by commas.") % {"max": MAX_TAGS},
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, empty_label=_("The whole community")
    )
    is_anonymous = anonymous_field()

    def __init__(self, *args, community, allow_anonymous=False, similar_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if similar_url:
            # Suggest existing topics while the title is typed (HTMX, no script of ours).
            self.fields["title"].widget.attrs.update(
                {
                    "hx-get": similar_url,
                    "hx-trigger": "input changed delay:600ms",
                    "hx-target": "#similar-topics",
                    "autocomplete": "off",
                }
            )
        self.fields["group"].queryset = community.groups.all()
        if not community.groups.exists():
            del self.fields["group"]
        if not allow_anonymous:
            del self.fields["is_anonymous"]


class TopicEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    label = forms.ChoiceField(label=_("Label"), choices=Label.choices, required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Up to %(max)s, separated by commas.") % {"max": MAX_TAGS},
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, empty_label=_("The whole community")
    )

    def __init__(self, *args, community, can_move=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = community.groups.all()
        if not can_move or not community.groups.exists():
            del self.fields["group"]


class ReplyForm(forms.Form):
    body = body_field(_("Your reply"))
    is_anonymous = anonymous_field()

    def __init__(self, *args, allow_anonymous=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["is_anonymous"]


class EditPostForm(forms.Form):
    body = body_field(_("Text"))


class TopicFilterForm(forms.Form):
    STATES = [("", _("All")), ("answered", _("Answered")), ("unanswered", _("Unanswered"))]

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *TopicKind.choices], required=False
    )
    label = forms.ChoiceField(
        label=_("Label"), choices=[("", _("All")), *Label.choices[1:]], required=False
    )
    state = forms.ChoiceField(label=_("Questions"), choices=STATES, required=False)
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True, max_length=40)
