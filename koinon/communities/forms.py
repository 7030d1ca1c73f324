"""Forms for the community pages; they validate input, the actions decide."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from koinon.communities.images import process_cover
from koinon.communities.models import (
    ROLE_RANK,
    Community,
    Group,
    GroupKind,
    Kind,
    Role,
)

LANGUAGE_CHOICES = [
    ("it", _("Italian")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)

COMMUNITY_FIELDS = [
    "name",
    "slug",
    "kind",
    "formality",
    "domain",
    "purpose",
    "values",
    "goals",
    "code_of_conduct",
    "languages",
    "cadence",
    "cover",
    "visibility",
    "join_policy",
    "allow_anonymous",
]
_FROM_MODEL = [f for f in COMMUNITY_FIELDS if f not in ("languages", "cover")]


class CommunityForm(forms.Form):
    """Every field of a community; `community` given means editing (the address is fixed)."""

    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cover = forms.FileField(
        label=_("cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB."),
    )

    def __init__(self, *args, community: Community | None = None, **kwargs):
        if community is not None:
            kwargs.setdefault("initial", model_to_dict(community, COMMUNITY_FIELDS))
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields.update(fields_for_model(Community, fields=_FROM_MODEL))
        for name in ("visibility", "join_policy", "formality"):
            self.fields[name].widget = forms.RadioSelect(choices=self.fields[name].choices)
        if community is not None:
            del self.fields["slug"]
        self.order_fields(COMMUNITY_FIELDS)

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Community.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("The address “%(slug)s” is already taken."), params={"slug": slug}
            )
        return slug

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if isinstance(cover, UploadedFile):
            return process_cover(cover)
        return cover

    def action_fields(self) -> dict:
        """The cleaned values as keyword arguments for do_create/do_update_community."""
        data = dict(self.cleaned_data)
        data.pop("slug", None)
        cover = data.pop("cover", None)
        if cover is False:
            data["cover"] = ""
        elif cover and not getattr(cover, "_committed", False):
            data["cover"] = cover
        return data


class DiscoverForm(forms.Form):
    q = forms.CharField(label=_("Search by name or domain"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )


class JoinForm(forms.Form):
    accept_code_of_conduct = forms.BooleanField(
        label=_("I have read the code of conduct and I accept it."), required=False
    )


class RequestJoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the moderators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: tell them who you are and why you would like to join."),
    )


def roles_below(rank: int, *, include_owner: bool = False):
    """Role choices a person of `rank` may hand out."""
    return [
        (value, label)
        for value, label in Role.choices
        if ROLE_RANK[value] < rank or (include_owner and value == Role.OWNER)
    ]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (v, label)
            for v, label in Role.choices
            if v != Role.OWNER and ROLE_RANK[v] <= access.rank
        ]
        self.fields["role"].initial = Role.MEMBER


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TransferForm(forms.Form):
    new_owner = forms.ModelChoiceField(label=_("New owner"), queryset=None)
    confirm = forms.BooleanField(
        label=_("I understand that I will become a moderator and the new owner takes over."),
        required=True,
    )

    def __init__(self, *args, community, actor, **kwargs):
        super().__init__(*args, **kwargs)
        from koinon.accounts.models import User

        self.fields["new_owner"].queryset = (
            User.objects.filter(memberships__community=community)
            .exclude(pk=actor.pk)
            .select_related("profile")
            .order_by("profile__display_name", "email")
        )
        self.fields["new_owner"].label_from_instance = lambda u: u.display_name


class DirectoryFilterForm(forms.Form):
    skill = forms.CharField(label=_("Skill"), required=False, max_length=80)
    sector = forms.CharField(label=_("Sector"), required=False, max_length=80)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *LANGUAGE_CHOICES]
    )
    open_to = forms.ChoiceField(
        label=_("Open to"),
        required=False,
        choices=[
            ("", _("Anything")),
            ("mentoring", _("mentoring others")),
            ("being_mentored", _("being mentored")),
            ("collaboration", _("collaboration")),
            ("jobs", _("job offers")),
        ],
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices]
    )


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "slug", "kind", "description", "is_open"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["kind"].choices = GroupKind.choices

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Group.objects.filter(community=self.community, slug=slug).exists():
            raise forms.ValidationError(_("A group with this address already exists."))
        return slug

    def validate_unique(self):
        """Uniqueness is checked in clean_slug and by the action."""


class AddToGroupForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member of the community"), queryset=None)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        from koinon.accounts.models import User

        self.fields["user"].queryset = (
            User.objects.filter(memberships__community=group.community)
            .exclude(group_memberships__group=group)
            .select_related("profile")
            .order_by("profile__display_name", "email")
        )
        self.fields["user"].label_from_instance = lambda u: u.display_name
