"""API for learning: programmes, modules, cohorts, enrolment, progress, hand-ins, peer
review, completion, and a person's skill assessments and goals.

The same policy and actions as the pages: programmes of private and secret
communities are 404 to non-members. `/api/v1/me/skills` belongs to the profile (the
skills a person shows); the history of self-assessments is `/api/v1/me/skill-assessments`
and learning goals are `/api/v1/me/goals`.
"""

from datetime import date, datetime

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.accounts.models import User
from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.policy import get_community_for
from koinon.learning import actions, policy, views
from koinon.learning.models import (
    SEATED,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ActivityKind,
    EnrolmentPolicy,
    GoalStatus,
    HandIn,
    LatePolicy,
    LearningGoal,
    Module,
    Programme,
    SkillAssessment,
)
from koinon.lib.errors import ActionError
from koinon.lib.mail import absolute_url

router = Router(tags=["learning"])


# --- Schemas -------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    display_name: str


class ProgrammeOut(Schema):
    id: int
    community: str
    slug: str
    title: str
    module_count: int
    url: str


class ProgrammePage(PageOut):
    items: list[ProgrammeOut]


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    choices: list[ChoiceOut]


class ModuleOut(Schema):
    id: int
    order: int
    title: str
    content: str
    content_html: str
    activity: str
    activity_prompt: str
    resources: list[int]
    practices: list[int]
    questions: list[QuestionOut] = Field(..., description="Quiz questions, without the answers.")


class CohortOut(Schema):
    id: int
    programme_id: int
    group: str = Field(..., description="Slug of the cohort's own group.")
    name: str
    starts_on: date
    ends_on: date
    enrolment: str
    capacity: int | None
    seated: int
    handin_deadline: datetime | None
    late_policy: str
    peer_reviewers: int
    sessions: list[int] = Field(..., description="Event ids.")
    my_enrolment: str | None
    url: str


class ProgrammeDetailOut(ProgrammeOut):
    description: str
    description_html: str
    outcomes: list[str]
    skills: list[str]
    facilitators: list[PersonOut]
    criteria: list[ChoiceOut] = Field(..., description="The peer-review rubric.")
    modules: list[ModuleOut]
    cohorts: list[CohortOut]


class ProgrammeIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    slug: str = Field("", max_length=80)
    description: str = Field(..., max_length=TEXT_MAX_LENGTH)
    outcomes: list[str] = Field([], max_length=30)
    skills: list[str] = Field([], max_length=20, description="Skill names.")
    facilitators: list[int] = Field([], max_length=20, description="Member ids.")
    criteria: list[str] = Field([], max_length=12, description="Rubric criteria, scored 1-5.")


class ChoiceIn(Input):
    text: str = Field(..., min_length=1, max_length=300)
    correct: bool = False


class QuestionIn(Input):
    text: str = Field(..., min_length=1, max_length=500)
    choices: list[ChoiceIn] = Field(..., max_length=10)


class ModuleIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    order: int | None = Field(None, ge=1, le=1000)
    content: str = Field("", max_length=TEXT_MAX_LENGTH)
    activity: ActivityKind = ActivityKind.NONE
    activity_prompt: str = Field("", max_length=4000)
    resources: list[int] = Field([], max_length=50)
    practices: list[int] = Field([], max_length=50)
    questions: list[QuestionIn] = Field([], max_length=50)


class CohortIn(Input):
    name: str = Field(..., max_length=120)
    starts_on: date
    ends_on: date
    enrolment: EnrolmentPolicy = EnrolmentPolicy.OPEN
    capacity: int | None = Field(None, ge=1)
    handin_deadline: datetime | None = None
    late_policy: LatePolicy = LatePolicy.ALLOW
    peer_reviewers: int = Field(2, ge=0, le=10)
    sessions: list[int] = Field([], max_length=100, description="Event ids of the community.")


class ProgrammePatch(Input):
    title: str | None = Field(None, max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(None, max_length=TEXT_MAX_LENGTH)
    outcomes: list[str] | None = Field(None, max_length=30)
    skills: list[str] | None = Field(None, max_length=20, description="Skill names.")
    criteria: list[str] | None = Field(
        None, max_length=12, description="The rubric; once reviews are sent, rename only."
    )


class ModulePatch(Input):
    title: str | None = Field(None, max_length=TITLE_MAX_LENGTH)
    content: str | None = Field(None, max_length=TEXT_MAX_LENGTH)
    activity_prompt: str | None = Field(None, max_length=4000)
    resources: list[int] | None = Field(None, max_length=50)
    practices: list[int] | None = Field(None, max_length=50)


class CohortPatch(Input):
    name: str | None = Field(None, max_length=120)
    starts_on: date | None = None
    ends_on: date | None = None
    enrolment: EnrolmentPolicy | None = None
    capacity: int | None = Field(None, ge=1, description="Null for no limit.")
    handin_deadline: datetime | None = None
    late_policy: LatePolicy | None = None
    peer_reviewers: int | None = Field(None, ge=0, le=10)
    sessions: list[int] | None = Field(None, max_length=100, description="Event ids.")


class ThreadIn(Input):
    title: str = Field(..., min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)


class PostIn(Input):
    body: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)


class PostOut(Schema):
    id: int
    author: PersonOut | None
    body: str
    body_html: str
    created_at: datetime


class ThreadOut(Schema):
    id: int
    cohort_id: int
    title: str
    author: PersonOut | None
    post_count: int
    created_at: datetime
    last_post_at: datetime
    url: str


class ThreadPage(PageOut):
    items: list[ThreadOut]


class ThreadDetailOut(ThreadOut):
    posts: list[PostOut] = Field(..., description="The first 200 messages, oldest first.")


class EnrolmentOut(Schema):
    id: int
    cohort_id: int
    person: PersonOut
    status: str
    completed_at: datetime | None
    certificate_url: str | None


class HandInIn(Input):
    text: str = Field("", max_length=TEXT_MAX_LENGTH)
    answers: dict[int, int] | None = Field(
        None, description="For a quiz: question id → chosen answer id."
    )


class HandInOut(Schema):
    id: int
    module_id: int
    text: str
    answers: dict[str, int]
    score: int | None
    max_score: int | None
    submitted_at: datetime | None
    is_late: bool
    feedback: str


class CellOut(Schema):
    module_id: int
    done: bool
    hand_in_id: int | None
    late: bool


class ProgressRowOut(Schema):
    enrolment_id: int
    person: PersonOut
    status: str
    done: int
    cells: list[CellOut]


class ProgressOut(Schema):
    modules: list[int]
    rows: list[ProgressRowOut]


class AssignedOut(Schema):
    assigned: int


class ReviewIn(Input):
    scores: dict[int, int] = Field({}, description="Criterion id → score 1-5.")
    comment: str = Field("", max_length=TEXT_MAX_LENGTH)


class ReviewOut(Schema):
    id: int
    hand_in_id: int
    scores: dict[str, int]
    comment: str
    submitted_at: datetime | None


class FeedbackIn(Input):
    text: str = Field(..., max_length=TEXT_MAX_LENGTH)


class AssessmentIn(Input):
    skill: str = Field(..., min_length=1, max_length=80)
    level: int = Field(..., description="1 to 5.")
    assessed_on: date | None = None
    note: str = Field("", max_length=500)


class AssessmentOut(Schema):
    id: int
    skill: str
    skill_id: int
    level: int
    assessed_on: date
    note: str


class AssessmentPage(PageOut):
    items: list[AssessmentOut]


class GoalIn(Input):
    skill: str = Field(..., min_length=1, max_length=80)
    target_level: int = Field(..., description="1 to 5.")
    target_date: date
    note: str = Field("", max_length=500)


class GoalPatch(Input):
    status: GoalStatus


class GoalOut(Schema):
    id: int
    skill: str
    skill_id: int
    target_level: int
    target_date: date
    status: str
    note: str


class AssessmentFilters(Schema):
    skill: int | None = Field(None, description="Only this skill id.")
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=100)


class PageFilters(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


# --- Shaping -------------------------------------------------------------------------------


def _person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name}


def _programme(p) -> dict:
    return {
        "id": p.pk,
        "community": p.community.slug,
        "slug": p.slug,
        "title": p.title,
        "module_count": p.module_count,
        "url": p.get_absolute_url(),
    }


def _module(m) -> dict:
    return {
        "id": m.pk,
        "order": m.order,
        "title": m.title,
        "content": m.content,
        "content_html": m.content_html,
        "activity": m.activity,
        "activity_prompt": m.activity_prompt,
        "resources": [r.pk for r in m.resources.all()],
        "practices": [p.pk for p in m.practices.all()],
        "questions": [
            {
                "id": q.pk,
                "text": q.text,
                "choices": [{"id": c.pk, "text": c.text} for c in q.choices.all()],
            }
            for q in m.questions.all()
        ],
    }


def _cohort(c, seated: int, mine: str | None) -> dict:
    return {
        "id": c.pk,
        "programme_id": c.programme_id,
        "group": c.group.slug,
        "name": c.name,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "enrolment": c.enrolment,
        "capacity": c.capacity,
        "seated": seated,
        "handin_deadline": c.handin_deadline,
        "late_policy": c.late_policy,
        "peer_reviewers": c.peer_reviewers,
        "sessions": [e.pk for e in c.sessions.all()],
        "my_enrolment": mine,
        "url": c.get_absolute_url(),
    }


def _cohort_detail(request, cohort) -> dict:
    seated = cohort.enrolments.filter(status__in=SEATED).count()
    enrolment = policy.enrolment_of(request.user, cohort)
    return _cohort(cohort, seated, enrolment.status if enrolment else None)


def _programme_detail(request, programme, access) -> dict:
    programme = (
        Programme.objects.select_related("community")
        .annotate(module_count=Count("modules"))
        .get(pk=programme.pk)
    )
    modules = programme.modules.prefetch_related("resources", "practices", "questions__choices")
    cohorts = list(
        programme.cohorts.select_related("group")
        .prefetch_related("sessions")
        .annotate(seated=Count("enrolments", filter=Q(enrolments__status__in=SEATED)))
    )
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            request.user.enrolments.filter(cohort__in=cohorts).values_list("cohort_id", "status")
        )
    data = _programme(programme)
    data.update(
        description=programme.description,
        description_html=programme.description_html,
        outcomes=programme.outcome_list,
        skills=[s.name for s in programme.skills.all()],
        facilitators=[_person(u) for u in programme.facilitators.select_related("profile")],
        criteria=[{"id": c.pk, "text": c.title} for c in programme.criteria.all()],
        modules=[_module(m) for m in modules],
        cohorts=[_cohort(c, c.seated, mine.get(c.pk)) for c in cohorts],
    )
    return data


def _enrolment(e) -> dict:
    url = None
    if e.certificate_code:
        url = absolute_url(reverse("learning-certificate", args=[e.certificate_code]))
    return {
        "id": e.pk,
        "cohort_id": e.cohort_id,
        "person": _person(e.user),
        "status": e.status,
        "completed_at": e.completed_at,
        "certificate_url": url,
    }


def _hand_in(h) -> dict:
    return {
        "id": h.pk,
        "module_id": h.module_id,
        "text": h.text,
        "answers": h.answers,
        "score": h.score,
        "max_score": h.max_score,
        "submitted_at": h.submitted_at,
        "is_late": h.is_late,
        "feedback": h.feedback,
    }


def _goal(g) -> dict:
    return {
        "id": g.pk,
        "skill": g.skill.name,
        "skill_id": g.skill_id,
        "target_level": g.target_level,
        "target_date": g.target_date,
        "status": g.status,
        "note": g.note,
    }


def _assessment(a) -> dict:
    return {
        "id": a.pk,
        "skill": a.skill.name,
        "skill_id": a.skill_id,
        "level": a.level,
        "assessed_on": a.assessed_on,
        "note": a.note,
    }


def _ids(model, ids, community, field):
    items = list(model.objects.filter(pk__in=set(ids), community=community))
    if len(items) != len(set(ids)):
        raise ActionError(_("Some of these do not exist in this community."), field=field)
    return items


def _module_of(cohort, module_id) -> Module:
    module = Module.objects.filter(programme_id=cohort.programme_id, pk=module_id).first()
    if module is None:
        raise Http404
    return module


def _submitted_hand_in(cohort, hand_in_id) -> HandIn:
    hand_in = (
        HandIn.objects.select_related("enrolment__user", "module__programme__community")
        .filter(pk=hand_in_id, enrolment__cohort=cohort, submitted_at__isnull=False)
        .first()
    )
    if hand_in is None:
        raise Http404
    return hand_in


# --- Programmes ------------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/programmes",
    response={200: ProgrammePage, **ERRORS},
    auth=optional_auth,
    summary="Programmes of a community",
)
def list_programmes(request, slug: str, filters: Query[PageFilters]):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    programmes = (
        Programme.objects.filter(community=community)
        .select_related("community")
        .annotate(module_count=Count("modules"))
        .order_by("title", "pk")
    )
    result = paginate(programmes, filters.page, filters.page_size)
    result["items"] = [_programme(p) for p in result["items"]]
    return result


@router.post(
    "/communities/{slug}/programmes",
    response={201: ProgrammeDetailOut, **ERRORS},
    summary="Create a programme (mentors, moderators, owners)",
)
def create_programme(request, slug: str, payload: ProgrammeIn):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    facilitators = list(User.objects.filter(pk__in=set(payload.facilitators)))
    if len(facilitators) != len(set(payload.facilitators)):
        raise ActionError(_("Facilitators must be members of the community."), field="facilitators")
    programme = actions.do_create_programme(
        request.user,
        community,
        title=payload.title,
        slug=payload.slug,
        description=payload.description,
        outcomes="\n".join(payload.outcomes),
        skills=[actions.skill_named(n) for n in payload.skills],
        facilitators=facilitators,
        criteria=payload.criteria,
    )
    return Status(201, _programme_detail(request, programme, access))


@router.get(
    "/programmes/{int:programme_id}",
    response={200: ProgrammeDetailOut, **ERRORS},
    auth=optional_auth,
    summary="A programme with its modules and cohorts",
)
def get_programme(request, programme_id: int):
    programme, access = policy.get_programme_by_id_for(request.user, programme_id)
    return _programme_detail(request, programme, access)


@router.post(
    "/programmes/{int:programme_id}/modules",
    response={201: ModuleOut, **ERRORS},
    summary="Add a module (facilitators)",
)
def add_module(request, programme_id: int, payload: ModuleIn):
    from koinon.library.models import Practice, Resource

    programme, _access = policy.get_programme_by_id_for(request.user, programme_id)
    module = actions.do_add_module(
        request.user,
        programme,
        title=payload.title,
        order=payload.order,
        content=payload.content,
        activity=payload.activity,
        activity_prompt=payload.activity_prompt,
        resources=_ids(Resource, payload.resources, programme.community, "resources"),
        practices=_ids(Practice, payload.practices, programme.community, "practices"),
        questions=[(q.text, [(c.text, c.correct) for c in q.choices]) for q in payload.questions],
    )
    return Status(201, _module(module))


@router.post(
    "/programmes/{int:programme_id}/cohorts",
    response={201: CohortOut, **ERRORS},
    summary="Start a cohort, with its own group (facilitators)",
)
def create_cohort(request, programme_id: int, payload: CohortIn):
    from koinon.events.models import Event

    programme, _access = policy.get_programme_by_id_for(request.user, programme_id)
    data = payload.model_dump(exclude={"sessions"})
    cohort = actions.do_create_cohort(
        request.user,
        programme,
        sessions=_ids(Event, payload.sessions, programme.community, "sessions"),
        **data,
    )
    return Status(201, _cohort_detail(request, cohort))


# --- Cohorts ------------------------------------------------------------------------------------


@router.get(
    "/cohorts/{int:cohort_id}",
    response={200: CohortOut, **ERRORS},
    auth=optional_auth,
    summary="A cohort",
)
def get_cohort(request, cohort_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    return _cohort_detail(request, cohort)


@router.post(
    "/cohorts/{int:cohort_id}/enrol",
    response={200: EnrolmentOut, **ERRORS},
    summary="Enrol, ask for a place, or accept an invitation (409 when full)",
)
def enrol(request, cohort_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    return _enrolment(actions.do_enrol(request.user, cohort))


@router.post(
    "/cohorts/{int:cohort_id}/withdraw",
    response={200: EnrolmentOut, **ERRORS},
    summary="Leave a cohort or withdraw a request",
)
def withdraw(request, cohort_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    return _enrolment(actions.do_withdraw(request.user, cohort))


@router.get(
    "/cohorts/{int:cohort_id}/enrolments",
    response={200: list[EnrolmentOut], **ERRORS},
    summary="Everyone enrolled, invited or asking (facilitators)",
)
def list_enrolments(request, cohort_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id, facilitate=True)
    return [_enrolment(e) for e in cohort.enrolments.select_related("user__profile")]


@router.post(
    "/cohorts/{int:cohort_id}/enrolments/{int:enrolment_id}/complete",
    response={200: EnrolmentOut, **ERRORS},
    summary="Mark a participant's completion; gives the certificate (facilitators)",
)
def complete(request, cohort_id: int, enrolment_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id, facilitate=True)
    enrolment = cohort.enrolments.filter(pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    return _enrolment(actions.do_mark_completion(request.user, enrolment))


@router.get(
    "/cohorts/{int:cohort_id}/progress",
    response={200: ProgressOut, **ERRORS},
    summary="The progress grid: participants × modules (facilitators)",
)
def progress(request, cohort_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id, facilitate=True)
    modules, rows = views.progress_grid(cohort)
    return {
        "modules": [m.pk for m in modules],
        "rows": [
            {
                "enrolment_id": row["enrolment"].pk,
                "person": _person(row["enrolment"].user),
                "status": row["enrolment"].status,
                "done": row["done"],
                "cells": [
                    {
                        "module_id": cell["module"].pk,
                        "done": cell["done"],
                        "hand_in_id": cell["hand_in"]["pk"] if cell["hand_in"] else None,
                        "late": bool(cell["hand_in"] and cell["hand_in"]["is_late"]),
                    }
                    for cell in row["cells"]
                ],
            }
            for row in rows
        ],
    }


@router.post(
    "/cohorts/{int:cohort_id}/modules/{int:module_id}/done",
    response={204: None, **ERRORS},
    summary="Mark a module without activity as done (participants)",
)
def mark_done(request, cohort_id: int, module_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    actions.do_mark_done(request.user, cohort, _module_of(cohort, module_id))
    return Status(204, None)


@router.put(
    "/cohorts/{int:cohort_id}/modules/{int:module_id}/draft",
    response={200: HandInOut, **ERRORS},
    summary="Save the hand-in being written (participants)",
)
def save_draft(request, cohort_id: int, module_id: int, payload: HandInIn):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    hand_in = actions.do_save_draft(
        request.user,
        cohort,
        _module_of(cohort, module_id),
        text=payload.text,
        answers=payload.answers,
    )
    return _hand_in(hand_in)


@router.post(
    "/cohorts/{int:cohort_id}/modules/{int:module_id}/hand-in",
    response={201: HandInOut, **ERRORS},
    summary="Hand in a reflection, a task or a quiz (marked automatically)",
)
def submit_hand_in(request, cohort_id: int, module_id: int, payload: HandInIn):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    hand_in = actions.do_submit_hand_in(
        request.user,
        cohort,
        _module_of(cohort, module_id),
        text=payload.text,
        answers=payload.answers,
    )
    return Status(201, _hand_in(hand_in))


@router.post(
    "/cohorts/{int:cohort_id}/modules/{int:module_id}/assign-reviews",
    response={200: AssignedOut, **ERRORS},
    summary="Assign peer reviewers fairly to the module's hand-ins (facilitators)",
)
def assign_reviews(request, cohort_id: int, module_id: int):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id, facilitate=True)
    created = actions.do_assign_peer_reviews(request.user, cohort, _module_of(cohort, module_id))
    return {"assigned": len(created)}


@router.get(
    "/cohorts/{int:cohort_id}/hand-ins/{int:hand_in_id}",
    response={200: HandInOut, **ERRORS},
    summary="A hand-in (its author, facilitators and assigned reviewers)",
)
def get_hand_in(request, cohort_id: int, hand_in_id: int):
    cohort, access = policy.get_cohort_for(request.user, cohort_id)
    hand_in = _submitted_hand_in(cohort, hand_in_id)
    if not policy.can_see_hand_in(access, hand_in, cohort.programme):
        raise Http404
    return _hand_in(hand_in)


@router.post(
    "/cohorts/{int:cohort_id}/hand-ins/{int:hand_in_id}/feedback",
    response={200: HandInOut, **ERRORS},
    summary="Give feedback on a hand-in (facilitators)",
)
def give_feedback(request, cohort_id: int, hand_in_id: int, payload: FeedbackIn):
    cohort, _access = policy.get_cohort_for(request.user, cohort_id, facilitate=True)
    hand_in = _submitted_hand_in(cohort, hand_in_id)
    return _hand_in(actions.do_give_feedback(request.user, hand_in, text=payload.text))


@router.post(
    "/cohorts/{int:cohort_id}/hand-ins/{int:hand_in_id}/review",
    response={200: ReviewOut, **ERRORS},
    summary="Send your peer review (403 for your own hand-in or one not assigned to you)",
)
def review(request, cohort_id: int, hand_in_id: int, payload: ReviewIn):
    cohort, access = policy.get_cohort_for(request.user, cohort_id)
    hand_in = _submitted_hand_in(cohort, hand_in_id)
    if not access.is_member:
        raise Http404
    result = actions.do_submit_peer_review(
        request.user, hand_in, scores=payload.scores, comment=payload.comment
    )
    return {
        "id": result.pk,
        "hand_in_id": hand_in.pk,
        "scores": result.scores,
        "comment": result.comment,
        "submitted_at": result.submitted_at,
    }


# --- Me: skill assessments and goals --------------------------------------------------------------


@router.get(
    "/me/skill-assessments",
    response={200: AssessmentPage, **ERRORS},
    summary="My skill self-assessments over time (oldest first)",
)
def my_assessments(request, filters: Query[AssessmentFilters]):
    items = SkillAssessment.objects.filter(user=request.user).select_related("skill")
    if filters.skill:
        items = items.filter(skill_id=filters.skill)
    result = paginate(items.order_by("assessed_on", "pk"), filters.page, filters.page_size)
    result["items"] = [_assessment(a) for a in result["items"]]
    return result


@router.post(
    "/me/skill-assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="Assess one of my skills (level 1 to 5)",
)
def assess(request, payload: AssessmentIn):
    assessment = actions.do_assess_skill(
        request.user,
        skill=actions.skill_named(payload.skill),
        level=payload.level,
        assessed_on=payload.assessed_on,
        note=payload.note,
    )
    return Status(201, _assessment(assessment))


@router.get("/me/goals", response={200: list[GoalOut], **ERRORS}, summary="My learning goals")
def my_goals(request):
    return [
        _goal(g) for g in LearningGoal.objects.filter(user=request.user).select_related("skill")
    ]


@router.post("/me/goals", response={201: GoalOut, **ERRORS}, summary="Set a learning goal")
def set_goal(request, payload: GoalIn):
    goal = actions.do_set_goal(
        request.user,
        skill=actions.skill_named(payload.skill),
        target_level=payload.target_level,
        target_date=payload.target_date,
        note=payload.note,
    )
    return Status(201, _goal(goal))


@router.patch(
    "/me/goals/{int:goal_id}",
    response={200: GoalOut, **ERRORS},
    summary="Change a goal's status",
)
def update_goal(request, goal_id: int, payload: GoalPatch):
    goal = (
        LearningGoal.objects.filter(pk=goal_id, user=request.user).select_related("skill").first()
    )
    if goal is None:
        raise Http404
    return _goal(actions.do_update_goal(request.user, goal, status=payload.status))


@router.get(
    "/communities/{slug}/skills-map",
    response={200: list[dict], **ERRORS},
    auth=optional_auth,
    summary="How many members hold each skill at each level (levels[0] is level 1)",
)
def skills_map(request, slug: str):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access) or not access.can("view_members"):
        raise Http404
    return actions.skills_map(community)


# --- Editing after creation ------------------------------------------------------------------


@router.patch(
    "/programmes/{int:programme_id}",
    response={200: ProgrammeDetailOut, **ERRORS},
    summary="Edit a programme: text, outcomes, skills, rubric (facilitators)",
)
def edit_programme(request, programme_id: int, payload: ProgrammePatch):
    programme, access = policy.get_programme_by_id_for(request.user, programme_id)
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise ActionError(_("This field may not be null."), field=name)
    skills = changes.get("skills")
    actions.do_edit_programme(
        request.user,
        programme,
        title=changes.get("title", programme.title),
        description=changes.get("description", programme.description),
        outcomes="\n".join(changes["outcomes"]) if "outcomes" in changes else programme.outcomes,
        skills=[actions.skill_named(n) for n in skills]
        if skills is not None
        else list(programme.skills.all()),
        criteria=changes.get("criteria"),
    )
    return _programme_detail(request, programme, access)


@router.patch(
    "/programmes/{int:programme_id}/modules/{int:module_id}",
    response={200: ModuleOut, **ERRORS},
    summary="Edit a module's text, prompt and library links (facilitators)",
)
def edit_module(request, programme_id: int, module_id: int, payload: ModulePatch):
    from koinon.library.models import Practice, Resource

    programme, _access = policy.get_programme_by_id_for(request.user, programme_id)
    module = Module.objects.filter(programme=programme, pk=module_id).first()
    if module is None:
        raise Http404
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise ActionError(_("This field may not be null."), field=name)
    community = programme.community
    module = actions.do_edit_module(
        request.user,
        module,
        title=changes.get("title", module.title),
        content=changes.get("content", module.content),
        activity_prompt=changes.get("activity_prompt", module.activity_prompt),
        resources=_ids(Resource, changes["resources"], community, "resources")
        if "resources" in changes
        else list(module.resources.all()),
        practices=_ids(Practice, changes["practices"], community, "practices")
        if "practices" in changes
        else list(module.practices.all()),
    )
    return _module(module)


@router.patch(
    "/cohorts/{int:cohort_id}",
    response={200: CohortOut, **ERRORS},
    summary="Edit a cohort: dates, enrolment, places, deadline, sessions (facilitators)",
)
def edit_cohort(request, cohort_id: int, payload: CohortPatch):
    from koinon.events.models import Event

    cohort, _access = policy.get_cohort_for(request.user, cohort_id)
    changes = payload.model_dump(exclude_unset=True)
    nullable = {"capacity", "handin_deadline"}
    for name, value in changes.items():
        if value is None and name not in nullable:
            raise ActionError(_("This field may not be null."), field=name)
    fields = {
        name: changes.get(name, getattr(cohort, name))
        for name in (
            "name",
            "starts_on",
            "ends_on",
            "enrolment",
            "capacity",
            "handin_deadline",
            "late_policy",
            "peer_reviewers",
        )
    }
    sessions = None
    if "sessions" in changes:
        sessions = _ids(Event, changes["sessions"], cohort.programme.community, "sessions")
    cohort = actions.do_edit_cohort(request.user, cohort, sessions=sessions, **fields)
    return _cohort_detail(request, cohort)


# --- The cohort's discussion space -------------------------------------------------------------


def _discussion_cohort(request, cohort_id):
    cohort, access = policy.get_cohort_for(request.user, cohort_id)
    if not policy.can_discuss(access, cohort):
        raise ActionError(
            _("Only the cohort's participants and facilitators take part in its discussions."),
            code="forbidden",
            status=403,
        )
    return cohort


def _author(user):
    return _person(user) if user is not None else None


def _thread(t) -> dict:
    return {
        "id": t.pk,
        "cohort_id": t.cohort_id,
        "title": t.title,
        "author": _author(t.author),
        "post_count": t.post_count,
        "created_at": t.created_at,
        "last_post_at": t.last_post_at,
        "url": t.get_absolute_url(),
    }


def _post(p) -> dict:
    return {
        "id": p.pk,
        "author": _author(p.author),
        "body": p.body,
        "body_html": p.body_html,
        "created_at": p.created_at,
    }


@router.get(
    "/cohorts/{int:cohort_id}/threads",
    response={200: ThreadPage, **ERRORS},
    summary="Conversations of the cohort's own discussion space (participants, facilitators)",
)
def list_threads(request, cohort_id: int, filters: Query[PageFilters]):
    from koinon.learning.models import CohortThread

    cohort = _discussion_cohort(request, cohort_id)
    threads = CohortThread.objects.filter(cohort=cohort).select_related("author__profile")
    result = paginate(threads, filters.page, filters.page_size)
    result["items"] = [_thread(t) for t in result["items"]]
    return result


@router.post(
    "/cohorts/{int:cohort_id}/threads",
    response={201: ThreadDetailOut, **ERRORS},
    summary="Start a conversation in the cohort's discussion space",
)
def start_thread(request, cohort_id: int, payload: ThreadIn):
    cohort = _discussion_cohort(request, cohort_id)
    thread = actions.do_start_thread(request.user, cohort, title=payload.title, body=payload.body)
    return Status(201, _thread_detail(thread))


def _thread_detail(thread) -> dict:
    data = _thread(thread)
    data["posts"] = [_post(p) for p in thread.posts.select_related("author__profile")[:200]]
    return data


def _thread_of(cohort, thread_id):
    from koinon.learning.models import CohortThread

    thread = (
        CohortThread.objects.filter(cohort=cohort, pk=thread_id)
        .select_related("author__profile")
        .first()
    )
    if thread is None:
        raise Http404
    thread.cohort = cohort
    return thread


@router.get(
    "/cohorts/{int:cohort_id}/threads/{int:thread_id}",
    response={200: ThreadDetailOut, **ERRORS},
    summary="A conversation with its messages",
)
def get_thread(request, cohort_id: int, thread_id: int):
    cohort = _discussion_cohort(request, cohort_id)
    return _thread_detail(_thread_of(cohort, thread_id))


@router.post(
    "/cohorts/{int:cohort_id}/threads/{int:thread_id}/posts",
    response={201: PostOut, **ERRORS},
    summary="Reply in a conversation of the cohort",
)
def reply(request, cohort_id: int, thread_id: int, payload: PostIn):
    cohort = _discussion_cohort(request, cohort_id)
    post = actions.do_reply(request.user, _thread_of(cohort, thread_id), body=payload.body)
    return Status(201, _post(post))


# --- Evidence next to a skill ------------------------------------------------------------------


class EvidenceItemOut(Schema):
    title: str
    url: str
    on: datetime | None


class EvidenceOut(Schema):
    skill: str
    completed_programmes: list[EvidenceItemOut]
    modules_done: list[EvidenceItemOut]
    accepted_answers: list[EvidenceItemOut]
    adopted_practices: list[EvidenceItemOut]
    endorsements: int


@router.get(
    "/me/skill-evidence/{int:skill_id}",
    response={200: EvidenceOut, **ERRORS},
    summary="What backs one of my skills up: programmes and modules completed, accepted "
    "answers, adopted practices, endorsements",
)
def my_skill_evidence(request, skill_id: int):
    from koinon.accounts.models import Skill

    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise Http404
    evidence = views.skill_evidence(request.user, skill)
    return {
        "skill": skill.name,
        "completed_programmes": [
            {
                "title": e.cohort.programme.title,
                "url": e.cohort.programme.get_absolute_url(),
                "on": e.completed_at,
            }
            for e in evidence["completed"]
        ],
        "modules_done": [
            {
                "title": p.module.title,
                "url": reverse("learning-cohort-module", args=[p.enrolment.cohort_id, p.module_id]),
                "on": p.done_at,
            }
            for p in evidence["modules"]
        ],
        "accepted_answers": [
            {
                "title": t.title,
                "url": reverse("topic-detail", args=[t.community.slug, t.pk]),
                "on": None,
            }
            for t in evidence["answers"]
        ],
        "adopted_practices": [
            {"title": a.practice.title, "url": a.practice.get_absolute_url(), "on": a.created_at}
            for a in evidence["adoptions"]
        ],
        "endorsements": evidence["endorsements"],
    }
