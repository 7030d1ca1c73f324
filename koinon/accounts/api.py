"""API endpoints for the caller's account, profile and skills, and for other people."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from ninja import Field, Router, Schema, Status

from koinon.accounts import actions
from koinon.accounts.models import ProfileSkill, ProfileVisibility, Skill
from koinon.accounts.policy import get_person_for
from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PatchInput

router = Router(tags=["accounts"])

LanguageCode = Literal[("", *dict(settings.LANGUAGES))]
Visibility = Literal[tuple(ProfileVisibility.values)]


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    language: str
    date_joined: datetime


class MePatch(PatchInput):
    language: LanguageCode = None


class SkillOut(Schema):
    name: str
    level: int

    @staticmethod
    def resolve_name(obj):
        return obj.skill.name


class PersonOut(Schema):
    """What anyone allowed to see a profile sees."""

    id: int
    display_name: str
    handle: str | None
    avatar_url: str | None
    headline: str
    bio_html: str
    organisation: str
    sector: str
    expertise_areas: list[str]
    languages: list[str]
    time_zone: str
    city: str
    country: str
    open_to_mentoring: bool
    open_to_being_mentored: bool
    open_to_collaboration: bool
    open_to_jobs: bool
    links: list[str]
    skills: list[SkillOut]


class ProfileOut(PersonOut):
    """The caller's own profile: also the Markdown source and who may see it."""

    bio: str
    visibility: str


class ProfilePatch(PatchInput):
    display_name: str = Field(None, max_length=80)
    handle: str = Field(None, max_length=31, description="3 to 30 of a-z, 0-9 and _.")
    headline: str = Field(None, max_length=140)
    bio: str = Field(None, max_length=5000)
    organisation: str = Field(None, max_length=120)
    sector: str = Field(None, max_length=80)
    expertise_areas: list[str] = None
    languages: list[str] = Field(None, description="Language codes, e.g. it, en.")
    time_zone: str = Field(None, description="An IANA time zone, e.g. Europe/Rome.")
    city: str = Field(None, max_length=80)
    country: str = Field(None, description="Two-letter code, e.g. IT.")
    open_to_mentoring: bool = None
    open_to_being_mentored: bool = None
    open_to_collaboration: bool = None
    open_to_jobs: bool = None
    links: list[str] = Field(None, description="Web addresses starting with http(s)://.")
    visibility: Visibility = None


class SkillIn(Input):
    level: int = Field(..., ge=1, le=5)


def person_data(user, *, own: bool = False) -> dict:
    """A person's profile as the API shows it; `user.skills` should be prefetched."""
    profile = user.profile
    data = {
        "id": user.pk,
        "display_name": user.display_name,
        "avatar_url": profile.avatar.url if profile.avatar else None,
        "skills": list(user.skills.all()),
        **{
            name: getattr(profile, name)
            for name in PersonOut.model_fields
            if name not in {"id", "display_name", "avatar_url", "skills"}
        },
    }
    if own:
        data.update(bio=profile.bio, visibility=profile.visibility)
    return data


def _skills():
    return Prefetch("skills", queryset=ProfileSkill.objects.select_related("skill"))


def _with_skills(user):
    prefetch_related_objects([user], _skills())
    return user


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who I am")
def get_me(request):
    return request.user


@router.patch("/me", response={200: MeOut, **ERRORS}, summary="Change my account settings")
def patch_me(request, payload: MePatch):
    changes = payload.changes()
    if "language" in changes:
        actions.do_set_language(request.user, changes["language"])
    return request.user


@router.get("/me/profile", response={200: ProfileOut, **ERRORS}, summary="My profile")
def get_my_profile(request):
    return person_data(_with_skills(request.user), own=True)


@router.patch("/me/profile", response={200: ProfileOut, **ERRORS}, summary="Edit my profile")
def patch_my_profile(request, payload: ProfilePatch):
    actions.do_update_profile(request.user, **payload.changes())
    return person_data(_with_skills(request.user), own=True)


@router.get("/me/skills", response={200: list[SkillOut], **ERRORS}, summary="My skills")
def get_my_skills(request):
    return ProfileSkill.objects.filter(user=request.user).select_related("skill")


@router.put(
    "/me/skills/{name}", response={200: SkillOut, **ERRORS}, summary="Add a skill or set its level"
)
def put_my_skill(request, name: str, payload: SkillIn):
    return actions.do_set_skill(request.user, name, payload.level)


@router.delete("/me/skills/{name}", response={204: None, **ERRORS}, summary="Remove a skill")
def delete_my_skill(request, name: str):
    skill = Skill.objects.filter(name__iexact=" ".join(name.split())).first()
    if skill is None:
        raise Http404
    actions.do_remove_skill(request.user, skill.pk)
    return Status(204, None)


@router.get(
    "/people/{int:user_id}",
    response={200: PersonOut, **ERRORS},
    auth=optional_auth,
    summary="A person's profile, if they let me see it",
)
def get_person(request, user_id: int):
    return person_data(_with_skills(get_person_for(request.user, user_id)))
