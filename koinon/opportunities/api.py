"""API endpoints for opportunities and "I'm interested".

The same policy and actions as the pages: the live opportunities of public communities
are readable without signing in; those of private and secret communities are 404 for
non-members; closed and expired ones are left out of every list and stay readable for
their author (and the moderators, and whoever said they were interested). Saying "I'm
interested" opens a conversation with the author and answers its id.
"""

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, PatchInput, paginate
from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.opportunities import actions, policy
from koinon.opportunities.forms import FilterForm
from koinon.opportunities.models import (
    DESCRIPTION_MAX_LENGTH,
    INTEREST_NOTE_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Interest,
    Opportunity,
    OpportunityKind,
)

router = Router(tags=["opportunities"])

Kind = Literal[tuple(OpportunityKind.values)]


# --- Schemas ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    display_name: str


class OpportunityOut(Schema):
    id: int
    community: str
    group: str | None
    project_id: int | None
    kind: str
    title: str
    location: str
    remote: bool
    expires_on: date
    status: str = Field(..., description="open or closed")
    expired: bool
    author: PersonOut | None
    created_at: datetime
    url: str


class OpportunityDetailOut(OpportunityOut):
    description: str
    description_html: str
    interested: bool = Field(..., description="Whether I said I'm interested.")
    interest_count: int | None = Field(None, description="For the author only.")
    can: dict[str, bool]


class OpportunityPage(PageOut):
    items: list[OpportunityOut]


class OpportunityIn(Input):
    kind: Kind
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    description: str = Field(..., max_length=DESCRIPTION_MAX_LENGTH)
    location: str = Field("", max_length=LOCATION_MAX_LENGTH)
    remote: bool = False
    expires_on: date = Field(..., description="The last day on which people can answer.")
    group: str | None = Field(None, max_length=60, description="A group's slug.")
    project_id: int | None = Field(
        None, description="A project of the community: publishes its call for partners (leads)."
    )


class OpportunityPatch(PatchInput):
    kind: Kind | None = None
    title: str | None = Field(None, max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)
    location: str | None = Field(None, max_length=LOCATION_MAX_LENGTH)
    remote: bool | None = None
    expires_on: date | None = None


class InterestIn(Input):
    note: str = Field("", max_length=INTEREST_NOTE_MAX_LENGTH)


class InterestOut(Schema):
    opportunity_id: int
    person: PersonOut
    conversation_id: int | None
    conversation_url: str | None
    created_at: datetime


class Filters(Schema):
    kind: Kind | None = None
    remote: bool = False
    q: str = Field("", max_length=100)
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


# --- Shaping ---------------------------------------------------------------------------


def _person(user) -> dict | None:
    return {"id": user.pk, "display_name": user.display_name} if user else None


def _item(o: Opportunity) -> dict:
    return {
        "id": o.pk,
        "community": o.community.slug,
        "group": o.group.slug if o.group else None,
        "project_id": o.project_id,
        "kind": o.kind,
        "title": o.title,
        "location": o.location,
        "remote": o.remote,
        "expires_on": o.expires_on,
        "status": o.status,
        "expired": o.is_expired,
        "author": _person(o.author),
        "created_at": o.created_at,
        "url": o.get_absolute_url(),
    }


def _detail(request, opportunity, access) -> dict:
    data = _item(opportunity)
    is_author = policy.is_author(access, opportunity)
    data.update(
        description=opportunity.description,
        description_html=opportunity.description_html,
        interested=policy.has_shown_interest(access, opportunity),
        interest_count=opportunity.interests.count() if is_author else None,
        can={
            "edit": policy.can_edit(access, opportunity) and not opportunity.is_closed,
            "close": policy.can_close(access, opportunity),
            "express_interest": policy.can_express_interest(access, opportunity)
            and not policy.has_shown_interest(access, opportunity),
        },
    )
    return data


def _interest(i: Interest) -> dict:
    return {
        "opportunity_id": i.opportunity_id,
        "person": _person(i.user),
        "conversation_id": i.conversation_id,
        "conversation_url": i.conversation.get_absolute_url() if i.conversation else None,
        "created_at": i.created_at,
    }


def _page(queryset, filters: Filters) -> dict:
    form = FilterForm({"kind": filters.kind or "", "remote": filters.remote or "", "q": filters.q})
    queryset = (
        form.apply(queryset)
        .select_related("community", "group", "author__profile")
        .order_by("expires_on", "-created_at", "-pk")
    )
    result = paginate(queryset, filters.page, filters.page_size)
    result["items"] = [_item(o) for o in result["items"]]
    return result


def _forbidden(message):
    return ActionError(message, code="forbidden", status=403)


# --- Endpoints -------------------------------------------------------------------------


@router.get(
    "/opportunities",
    response={200: OpportunityPage, **ERRORS},
    auth=optional_auth,
    summary="Open opportunities across the public communities and mine",
)
def list_platform(request, filters: Query[Filters]):
    return _page(policy.platform_opportunities(request.user), filters)


@router.get(
    "/opportunities/mine",
    response={200: OpportunityPage, **ERRORS},
    summary="What I published, open, closed or expired",
)
def list_mine(request, page: int = Query(1, ge=1), page_size: int = Query(30, ge=1, le=100)):
    queryset = (
        policy.authored_by(request.user)
        .select_related("community", "group", "author__profile")
        .order_by("-created_at", "-pk")
    )
    result = paginate(queryset, page, page_size)
    result["items"] = [_item(o) for o in result["items"]]
    return result


@router.get(
    "/communities/{slug}/opportunities",
    response={200: OpportunityPage, **ERRORS},
    auth=optional_auth,
    summary="Open opportunities of a community",
)
def list_community(request, slug: str, filters: Query[Filters]):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read_community(access):
        raise Http404
    return _page(policy.community_opportunities(access), filters)


@router.post(
    "/communities/{slug}/opportunities",
    response={201: OpportunityDetailOut, **ERRORS},
    summary="Publish an opportunity (members; a project's leads for its call for partners)",
)
def create(request, slug: str, payload: OpportunityIn):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read_community(access):
        raise Http404
    group = None
    if payload.group:
        group = get_object_or_404(community.groups, slug=payload.group)
    project = None
    if payload.project_id is not None:
        from koinon.projects import policy as project_policy

        project, _access = project_policy.get_project_for(
            request.user, community.slug, payload.project_id
        )
    fields = payload.model_dump(exclude={"group", "project_id"})
    opportunity = actions.do_create_opportunity(
        request.user, community, group=group, project=project, **fields
    )
    opportunity, access = policy.get_opportunity_for(request.user, opportunity.pk)
    return Status(201, _detail(request, opportunity, access))


@router.get(
    "/opportunities/{int:opportunity_id}",
    response={200: OpportunityDetailOut, **ERRORS},
    auth=optional_auth,
    summary="One opportunity",
)
def detail(request, opportunity_id: int):
    opportunity, access = policy.get_opportunity_for(request.user, opportunity_id)
    return _detail(request, opportunity, access)


@router.patch(
    "/opportunities/{int:opportunity_id}",
    response={200: OpportunityDetailOut, **ERRORS},
    summary="Edit my opportunity",
)
def update(request, opportunity_id: int, payload: OpportunityPatch):
    opportunity, access = policy.get_opportunity_for(request.user, opportunity_id)
    actions.do_update_opportunity(request.user, opportunity, **payload.changes())
    opportunity, access = policy.get_opportunity_for(request.user, opportunity_id)
    return _detail(request, opportunity, access)


@router.post(
    "/opportunities/{int:opportunity_id}/close",
    response={200: OpportunityDetailOut, **ERRORS},
    summary="Close an opportunity (its author or a moderator): it leaves the lists",
)
def close(request, opportunity_id: int):
    opportunity, access = policy.get_opportunity_for(request.user, opportunity_id)
    actions.do_close_opportunity(request.user, opportunity)
    opportunity, access = policy.get_opportunity_for(request.user, opportunity_id)
    return _detail(request, opportunity, access)


@router.post(
    "/opportunities/{int:opportunity_id}/interest",
    response={201: InterestOut, **ERRORS},
    summary="I'm interested: opens a conversation with the author",
)
def express_interest(request, opportunity_id: int, payload: InterestIn):
    opportunity, _access = policy.get_opportunity_for(request.user, opportunity_id, answering=True)
    interest = actions.do_express_interest(request.user, opportunity, note=payload.note)
    interest = Interest.objects.select_related("user__profile", "conversation").get(pk=interest.pk)
    return Status(201, _interest(interest))


@router.get(
    "/opportunities/{int:opportunity_id}/interests",
    response={200: list[InterestOut], **ERRORS},
    summary="Who is interested (the author only)",
)
def list_interests(request, opportunity_id: int):
    opportunity, access = policy.get_opportunity_for(request.user, opportunity_id)
    if not policy.can_see_interests(access, opportunity):
        raise _forbidden(_("Only the author sees who is interested."))
    interests = opportunity.interests.select_related("user__profile", "conversation")[:500]
    return [_interest(i) for i in interests]
