"""The people directory, connections, follows and endorsements in the API.

People come from `visible_people_for` (404 for a profile the caller may not see);
writes go through `koinon.network.actions`.
"""

from datetime import datetime
from typing import Literal

from django.db.models import Q
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from koinon.accounts.models import Skill
from koinon.accounts.policy import get_person_for
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.queries import OPEN_TO_FIELDS
from koinon.network import actions, directory, queries
from koinon.network.models import Connection, ConnectionStatus

router = Router(tags=["network"])
OpenTo = Literal[tuple(OPEN_TO_FIELDS)]


class PersonRef(Schema):
    id: int
    display_name: str


class SkillOut(Schema):
    name: str
    level: int


class PersonOut(Schema):
    id: int
    display_name: str
    headline: str
    organisation: str
    sector: str
    expertise_areas: list[str]
    languages: list[str]
    city: str
    country: str
    open_to: list[str]
    skills: list[SkillOut]
    shared_communities: list[str] = Field(..., description="Slugs of communities you share.")
    endorsements: int


class PeoplePage(PageOut):
    items: list[PersonOut]


class PeopleFilters(Schema):
    q: str | None = Field(None, max_length=100)
    skill: str | None = Field(None, max_length=80)
    min_level: int | None = Field(None, ge=1, le=5)
    expertise: str | None = Field(None, max_length=80)
    sector: str | None = Field(None, max_length=80)
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}$")
    place: str | None = Field(None, max_length=80, description="A city or a country code.")
    open_to: OpenTo | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class ConnectionOut(Schema):
    id: int
    person: PersonRef = Field(..., description="The other person.")
    status: str
    requested_by_me: bool
    message: str
    created_at: datetime
    responded_at: datetime | None


class ConnectionPage(PageOut):
    items: list[ConnectionOut]


class ConnectionFilters(Schema):
    status: Literal[tuple(ConnectionStatus.values)] | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=100)


class ConnectionIn(Input):
    user_id: int
    message: str = Field("", max_length=300)


class SuggestionOut(Schema):
    person: PersonRef
    score: int
    reasons: list[str]


class EndorsementIn(Input):
    skill: str = Field(..., min_length=1, max_length=80, description="The skill's name.")


class EndorsementOut(Schema):
    skill: str
    count: int


def _ref(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name}


def _person_out(row) -> dict:
    p = row["person"]
    profile = p.profile
    return {
        "id": p.pk,
        "display_name": p.display_name,
        "headline": profile.headline,
        "organisation": profile.organisation,
        "sector": profile.sector,
        "expertise_areas": profile.expertise_areas or [],
        "languages": profile.languages or [],
        "city": profile.city,
        "country": profile.country,
        "open_to": [k for k, f in OPEN_TO_FIELDS.items() if getattr(profile, f.split("__")[1])],
        "skills": [{"name": s.skill.name, "level": s.level} for s in row["skills"]],
        "shared_communities": [c.slug for c in row["shared"]],
        "endorsements": row["endorsements"],
    }


@router.get("/people", response={200: PeoplePage, **ERRORS}, summary="Directory")
def people(request, filters: Query[PeopleFilters]):
    """People in your communities (and public profiles), filtered."""
    data = filters.model_dump(exclude={"page", "page_size"})
    qs = directory.search(request.user, data)
    page = paginate(qs, filters.page, filters.page_size)
    page["items"] = [_person_out(r) for r in directory.decorate(request.user, page["items"])]
    return page


@router.get(
    "/people/suggestions", response={200: list[SuggestionOut], **ERRORS}, summary="People to meet"
)
def suggestions(request):
    return [
        {"person": _ref(s.person), "score": s.score, "reasons": s.reasons}
        for s in queries.suggestions(request.user)
    ]


def _connection_out(connection, user) -> dict:
    other = connection.high if connection.low_id == user.pk else connection.low
    return {
        "id": connection.pk,
        "person": _ref(other),
        "status": connection.status,
        "requested_by_me": connection.requested_by_id == user.pk,
        "message": connection.message,
        "created_at": connection.created_at,
        "responded_at": connection.responded_at,
    }


def _mine(user):
    return Connection.objects.filter(Q(low=user) | Q(high=user)).select_related(
        "low__profile", "high__profile"
    )


@router.get("/connections", response={200: ConnectionPage, **ERRORS}, summary="My connections")
def list_connections(request, filters: Query[ConnectionFilters]):
    """Accepted connections and requests either way; declined ones only if you asked."""
    qs = _mine(request.user).exclude(
        ~Q(requested_by=request.user), status=ConnectionStatus.DECLINED
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = paginate(qs.order_by("-created_at", "-id"), filters.page, filters.page_size)
    page["items"] = [_connection_out(c, request.user) for c in page["items"]]
    return page


@router.post("/connections", response={201: ConnectionOut, **ERRORS}, summary="Ask to connect")
def request_connection(request, payload: ConnectionIn):
    person = get_person_for(request.user, payload.user_id)
    connection = actions.do_request_connection(request.user, person, message=payload.message)
    return Status(201, _connection_out(_mine(request.user).get(pk=connection.pk), request.user))


def _connection(user, pk) -> Connection:
    connection = _mine(user).filter(pk=pk).first()
    if connection is None:
        raise Http404
    return connection


@router.post("/connections/{int:pk}/accept", response={200: ConnectionOut, **ERRORS})
def accept(request, pk: int):
    connection = actions.do_accept_connection(request.user, _connection(request.user, pk))
    return _connection_out(_connection(request.user, connection.pk), request.user)


@router.post("/connections/{int:pk}/decline", response={200: ConnectionOut, **ERRORS})
def decline(request, pk: int):
    connection = actions.do_decline_connection(request.user, _connection(request.user, pk))
    return _connection_out(_connection(request.user, connection.pk), request.user)


@router.delete(
    "/connections/{int:pk}", response={204: None, **ERRORS}, summary="Remove or withdraw"
)
def remove(request, pk: int):
    connection = _connection(request.user, pk)
    actions.do_remove_connection(request.user, connection.other(request.user))
    return Status(204, None)


@router.post("/people/{int:user_id}/follow", response={204: None, **ERRORS}, summary="Follow")
def follow(request, user_id: int):
    actions.do_follow(request.user, get_person_for(request.user, user_id))
    return Status(204, None)


@router.delete("/people/{int:user_id}/follow", response={204: None, **ERRORS}, summary="Unfollow")
def unfollow(request, user_id: int):
    actions.do_unfollow(request.user, get_person_for(request.user, user_id))
    return Status(204, None)


def _skill(name: str) -> Skill:
    skill = Skill.objects.filter(name__iexact=name.strip()).first()
    if skill is None:
        raise Http404
    return skill


@router.post(
    "/people/{int:user_id}/endorsements",
    response={201: EndorsementOut, **ERRORS},
    summary="Endorse a skill",
)
def endorse(request, user_id: int, payload: EndorsementIn):
    person = get_person_for(request.user, user_id)
    skill = _skill(payload.skill)
    actions.do_endorse_skill(request.user, person, skill)
    count = person.endorsements.filter(skill=skill).count()
    return Status(201, {"skill": skill.name, "count": count})


@router.delete(
    "/people/{int:user_id}/endorsements/{skill}",
    response={204: None, **ERRORS},
    summary="Withdraw an endorsement",
)
def withdraw(request, user_id: int, skill: str):
    person = get_person_for(request.user, user_id)
    actions.do_withdraw_endorsement(request.user, person, _skill(skill))
    return Status(204, None)
