"""Mentoring API: offers, requests with their proposed mentors, mentorships.

Everything goes through `koinon.mentoring.policy` (what the caller may not see is
404) and `koinon.mentoring.actions`; errors have the one shape of koinon.api.errors.
Session notes and feedback are returned to the pair only, like the mentorship itself.
"""

from datetime import datetime
from typing import Literal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.api.schemas import ERRORS, Input, PageOut, PatchInput, paginate
from koinon.communities.policy import get_community_for
from koinon.lib.errors import Forbidden
from koinon.mentoring import actions, models, policy
from koinon.mentoring.matching import match_offers, with_offers
from koinon.mentoring.models import Goal, MentoringOffer, OfferSkill

router = Router(tags=["mentoring"])

FormatIn = Literal[tuple(models.Format.values)]
GoalKindIn = Literal[tuple(models.GoalKind.values)]
Step = Literal["accept", "decline", "start", "complete", "end"]


# --- Schemas ---------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    display_name: str


class SkillLevel(Schema):
    name: str
    level: int


class OfferOut(Schema):
    id: int
    mentor: PersonRef
    community: str | None = Field(None, description="The community's slug; null: platform-wide.")
    topics: str
    skills: list[SkillLevel]
    languages: list[str]
    format: str
    capacity: int
    availability: str
    is_active: bool
    created_at: datetime


class OfferPage(PageOut):
    items: list[OfferOut]


class OfferPatch(PatchInput):
    topics: str = Field(None, max_length=2000)
    skills: list[str] = Field(None, description="Names of skills on your profile.")
    languages: list[str] = None
    format: FormatIn = None
    capacity: int = Field(None, ge=1, le=actions.MAX_CAPACITY)
    availability: str = Field(None, max_length=300)
    is_active: bool = None


class OfferCreate(Input):
    community: str | None = Field(None, description="A community slug, or null for all yours.")
    topics: str = Field(..., max_length=2000)
    skills: list[str] = Field(default_factory=list, description="Names of skills on your profile.")
    languages: list[str] = Field(default_factory=list)
    format: FormatIn = models.Format.ONLINE
    capacity: int = Field(1, ge=1, le=actions.MAX_CAPACITY)
    availability: str = Field("", max_length=300)


class SkillWish(Schema):
    name: str
    wish: int = Field(..., description="1: useful, 2: a priority.")


class RequestOut(Schema):
    id: int
    mentee: PersonRef
    community: str | None
    goals: str
    skills: list[SkillWish]
    languages: list[str]
    time_zone: str
    status: str
    created_at: datetime


class RequestPage(PageOut):
    items: list[RequestOut]


class SkillWishIn(Input):
    name: str = Field(..., min_length=1, max_length=80)
    wish: Literal[1, 2] = 1


class RequestCreate(Input):
    community: str | None = None
    goals: str = Field(..., max_length=2000)
    skills: list[SkillWishIn] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    time_zone: str | None = Field(None, description="Default: the one on your profile.")


class ReasonOut(Schema):
    code: str
    points: int
    text: str


class MatchOut(Schema):
    offer: OfferOut
    score: int
    free_places: int
    reasons: list[ReasonOut]


class MentorshipOut(Schema):
    id: int
    offer: int
    request: int | None
    mentor: PersonRef
    mentee: PersonRef
    status: str
    message: str
    paired_by: int | None
    created_at: datetime


class AskIn(Input):
    offer: int
    request: int | None = None
    message: str = Field("", max_length=2000)


class PairIn(Input):
    mentor: int
    mentee: int


class GoalOut(Schema):
    id: int
    title: str
    kind: str
    progress: int
    done: bool


class GoalIn(Input):
    title: str = Field(..., max_length=200)
    kind: GoalKindIn = models.GoalKind.PERCENT


class ProgressIn(Input):
    progress: int | None = Field(None, description="0–100 for a per-cent goal.")
    done: bool | None = Field(None, description="For a done/not-done goal.")


class NoteOut(Schema):
    id: int
    author: PersonRef
    body: str
    body_html: str
    created_at: datetime


class NoteIn(Input):
    body: str = Field(..., max_length=10000)


class FeedbackIn(Input):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    author: PersonRef
    rating: int
    comment: str


# --- Serialisers (from prefetched rows) ------------------------------------------------


def _ref(user):
    return {"id": user.pk, "display_name": user.display_name}


def _offer(offer) -> dict:
    return {
        "id": offer.pk,
        "mentor": _ref(offer.mentor),
        "community": offer.community.slug if offer.community_id else None,
        "topics": offer.topics,
        "skills": [{"name": s.skill.name, "level": s.level} for s in offer.offer_skills.all()],
        "languages": offer.languages,
        "format": offer.format,
        "capacity": offer.capacity,
        "availability": offer.availability,
        "is_active": offer.is_active,
        "created_at": offer.created_at,
    }


def _request(found) -> dict:
    return {
        "id": found.pk,
        "mentee": _ref(found.mentee),
        "community": found.community.slug if found.community_id else None,
        "goals": found.goals,
        "skills": [{"name": s.skill.name, "wish": s.wish} for s in found.request_skills.all()],
        "languages": found.languages,
        "time_zone": found.time_zone,
        "status": found.status,
        "created_at": found.created_at,
    }


def _mentorship(m) -> dict:
    return {
        "id": m.pk,
        "offer": m.offer_id,
        "request": m.request_id,
        "mentor": _ref(m.mentor),
        "mentee": _ref(m.mentee),
        "status": m.status,
        "message": m.message,
        "paired_by": m.paired_by_id,
        "created_at": m.created_at,
    }


def _goal(goal) -> dict:
    return {
        "id": goal.pk,
        "title": goal.title,
        "kind": goal.kind,
        "progress": goal.progress,
        "done": goal.is_done,
    }


def _offers(qs):
    return qs.select_related("mentor__profile", "community").prefetch_related(
        Prefetch("offer_skills", queryset=OfferSkill.objects.select_related("skill"))
    )


def _requests(qs):
    return qs.select_related("mentee__profile", "community").prefetch_related(
        "request_skills__skill"
    )


def _community(user, slug):
    if not slug:
        return None
    community, _access = get_community_for(user, slug)
    return community


def _page(qs, page, page_size, serialise):
    result = paginate(qs, page, page_size)
    result["items"] = [serialise(row) for row in result["items"]]
    return result


# --- Offers ----------------------------------------------------------------------------


class OfferFilters(Schema):
    skill: str | None = Field(None, max_length=80)
    mine: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


@router.get("/mentoring/offers", response={200: OfferPage, **ERRORS}, summary="List offers")
def list_offers(request, filters: Query[OfferFilters]):
    """Active offers of people who share a community with you (yours too, when `mine`)."""
    qs = policy.visible_offers_for(request.user)
    qs = qs.filter(mentor=request.user) if filters.mine else qs.filter(is_active=True)
    if filters.skill:
        qs = qs.filter(offer_skills__skill__name__iexact=filters.skill.strip()).distinct()
    return _page(_offers(qs), filters.page, filters.page_size, _offer)


@router.post("/mentoring/offers", response={201: OfferOut, **ERRORS}, summary="Offer mentoring")
def create_offer(request, payload: OfferCreate):
    data = payload.model_dump()
    data["community"] = _community(request.user, data["community"])
    offer = actions.do_create_offer(request.user, **data)
    return Status(201, _offer(_offers(MentoringOffer.objects.filter(pk=offer.pk)).get()))


@router.get("/mentoring/offers/{int:offer_id}", response={200: OfferOut, **ERRORS})
def get_offer(request, offer_id: int):
    policy.get_offer_for(request.user, offer_id)
    return _offer(_offers(MentoringOffer.objects.filter(pk=offer_id)).get())


@router.patch(
    "/mentoring/offers/{int:offer_id}", response={200: OfferOut, **ERRORS}, exclude_unset=True
)
def update_offer(request, offer_id: int, payload: OfferPatch):
    offer = policy.get_offer_for(request.user, offer_id)
    actions.do_update_offer(request.user, offer, **payload.changes())
    return _offer(_offers(MentoringOffer.objects.filter(pk=offer_id)).get())


# --- Requests --------------------------------------------------------------------------


class RequestFilters(Schema):
    mine: bool = False
    status: Literal[tuple(models.RequestStatus.values)] | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


@router.get("/mentoring/requests", response={200: RequestPage, **ERRORS}, summary="List requests")
def list_requests(request, filters: Query[RequestFilters]):
    """Requests of people who share a community with you; `mine` for your own."""
    qs = policy.visible_requests_for(request.user)
    if filters.mine:
        qs = qs.filter(mentee=request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return _page(_requests(qs), filters.page, filters.page_size, _request)


@router.post(
    "/mentoring/requests", response={201: RequestOut, **ERRORS}, summary="Ask for mentoring"
)
def create_request(request, payload: RequestCreate):
    found = actions.do_create_request(
        request.user,
        goals=payload.goals,
        skills={s.name: s.wish for s in payload.skills},
        languages=payload.languages,
        time_zone=payload.time_zone,
        community=_community(request.user, payload.community),
    )
    return Status(
        201, _request(_requests(models.MentoringRequest.objects.filter(pk=found.pk)).get())
    )


@router.get("/mentoring/requests/{int:request_id}", response={200: RequestOut, **ERRORS})
def get_request(request, request_id: int):
    policy.get_request_for(request.user, request_id)
    return _request(_requests(models.MentoringRequest.objects.filter(pk=request_id)).get())


@router.post("/mentoring/requests/{int:request_id}/close", response={200: RequestOut, **ERRORS})
def close_request(request, request_id: int):
    found = policy.get_request_for(request.user, request_id)
    actions.do_close_request(request.user, found)
    return _request(_requests(models.MentoringRequest.objects.filter(pk=request_id)).get())


@router.get(
    "/mentoring/requests/{int:request_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    summary="Proposed mentors, best first, with the reasons",
)
def request_matches(request, request_id: int, limit: int = Query(10, ge=1, le=50)):
    """Only the person who asked sees the proposals; each reason carries its points."""
    found = policy.get_request_for(request.user, request_id)
    if found.mentee_id != request.user.pk:
        raise Forbidden(_("Only the person who asked sees the proposed mentors."))
    matches = with_offers(match_offers(found, limit=limit))
    return [
        {
            "offer": _offer(m.offer),
            "score": m.score,
            "free_places": m.free_places,
            "reasons": [{"code": r.code, "points": r.points, "text": str(r)} for r in m.reasons],
        }
        for m in matches
    ]


# --- Mentorships -----------------------------------------------------------------------


def _mentorship_rows(qs):
    return qs.select_related("mentor__profile", "mentee__profile")


class MentorshipFilters(Schema):
    status: Literal[tuple(models.Status.values)] | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


@router.get("/mentorships", response={200: list[MentorshipOut], **ERRORS}, summary="Yours")
def list_mentorships(request, filters: Query[MentorshipFilters]):
    """Mentorships where you are the mentor or the mentee."""
    qs = _mentorship_rows(policy.mentorships_for(request.user))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [_mentorship(m) for m in paginate(qs, filters.page, filters.page_size)["items"]]


@router.post("/mentorships", response={201: MentorshipOut, **ERRORS}, summary="Ask a mentor")
def ask_mentor(request, payload: AskIn):
    offer = policy.get_offer_for(request.user, payload.offer)
    found = None
    if payload.request is not None:
        found = policy.get_request_for(request.user, payload.request)
    m = actions.do_ask_mentor(request.user, offer, request=found, message=payload.message)
    return Status(201, _mentorship(m))


@router.get("/mentorships/{int:mentorship_id}", response={200: MentorshipOut, **ERRORS})
def get_mentorship(request, mentorship_id: int):
    return _mentorship(policy.get_mentorship_for(request.user, mentorship_id))


@router.post(
    "/communities/{slug}/mentorships",
    response={201: MentorshipOut, **ERRORS},
    summary="Pair a mentor and a mentee by hand",
)
def pair_by_hand(request, slug: str, payload: PairIn):
    """For the community's mentors and moderators; recorded in the activity log."""
    community, _access = get_community_for(request.user, slug)
    if not policy.can_pair_in(request.user, community):
        raise Forbidden(_("Only the community's mentors and moderators can pair people."))
    members = community.memberships.select_related("user")
    mentor = get_object_or_404(members, user_id=payload.mentor).user
    mentee = get_object_or_404(members, user_id=payload.mentee).user
    m = actions.do_pair_by_hand(request.user, community, mentor=mentor, mentee=mentee)
    return Status(201, _mentorship(m))


# --- Inside a mentorship ---------------------------------------------------------------


@router.get("/mentorships/{int:mentorship_id}/goals", response={200: list[GoalOut], **ERRORS})
def list_goals(request, mentorship_id: int):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    return [_goal(g) for g in m.goals.all()]


@router.post("/mentorships/{int:mentorship_id}/goals", response={201: GoalOut, **ERRORS})
def add_goal(request, mentorship_id: int, payload: GoalIn):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    return Status(201, _goal(actions.do_add_goal(request.user, m, **payload.model_dump())))


@router.patch(
    "/mentorships/{int:mentorship_id}/goals/{int:goal_id}", response={200: GoalOut, **ERRORS}
)
def set_goal_progress(request, mentorship_id: int, goal_id: int, payload: ProgressIn):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    goal = get_object_or_404(Goal, mentorship=m, pk=goal_id)
    value = payload.done if payload.done is not None else payload.progress
    return _goal(actions.do_set_goal_progress(request.user, goal, value))


@router.get("/mentorships/{int:mentorship_id}/notes", response={200: list[NoteOut], **ERRORS})
def list_notes(request, mentorship_id: int):
    """For the mentor and the mentee only (everyone else gets 404)."""
    m = policy.get_mentorship_for(request.user, mentorship_id)
    notes = m.notes.select_related("author__profile")
    return [
        {
            "id": n.pk,
            "author": _ref(n.author),
            "body": n.body,
            "body_html": n.body_html,
            "created_at": n.created_at,
        }
        for n in notes
    ]


@router.post("/mentorships/{int:mentorship_id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request, mentorship_id: int, payload: NoteIn):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    n = actions.do_add_note(request.user, m, body=payload.body)
    return Status(
        201,
        {
            "id": n.pk,
            "author": _ref(request.user),
            "body": n.body,
            "body_html": n.body_html,
            "created_at": n.created_at,
        },
    )


@router.post("/mentorships/{int:mentorship_id}/feedback", response={201: FeedbackOut, **ERRORS})
def leave_feedback(request, mentorship_id: int, payload: FeedbackIn):
    """Once each, when the mentorship is completed or ended (409 otherwise)."""
    m = policy.get_mentorship_for(request.user, mentorship_id)
    f = actions.do_leave_feedback(request.user, m, **payload.model_dump())
    return Status(201, {"author": _ref(request.user), "rating": f.rating, "comment": f.comment})


@router.get(
    "/mentorships/{int:mentorship_id}/feedback", response={200: list[FeedbackOut], **ERRORS}
)
def list_feedback(request, mentorship_id: int):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    rows = m.feedback.select_related("author__profile")
    return [{"author": _ref(f.author), "rating": f.rating, "comment": f.comment} for f in rows]


# Last: its `{step}` would otherwise catch goals, notes and feedback.
STEPS = {
    "accept": (actions.do_accept_mentorship, {}),
    "decline": (actions.do_decline_mentorship, {}),
    "start": (actions.do_start_mentorship, {}),
    "complete": (actions.do_finish_mentorship, {"completed": True}),
    "end": (actions.do_finish_mentorship, {"completed": False}),
}


@router.post(
    "/mentorships/{int:mentorship_id}/{step}",
    response={200: MentorshipOut, **ERRORS},
    summary="Accept, decline, start, complete or end",
)
def mentorship_step(request, mentorship_id: int, step: Step):
    """Accepting twice, or beyond the mentor's capacity, answers 409."""
    m = policy.get_mentorship_for(request.user, mentorship_id)
    action, kwargs = STEPS[step]
    action(request.user, m, **kwargs)
    return _mentorship(m)
