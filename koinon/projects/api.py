"""API for ideas, experiments, projects and their tasks.

Everything goes through the projects policy and the same actions as the pages, so the
answers (and the error shape of `koinon/api/errors.py`) are the same: supporting twice
is 409, moving a task of a project you are not in is 403, things of communities (or
members-only projects) you may not see are 404.
"""

from datetime import date, datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.projects import actions, policy
from koinon.projects.models import (
    STATUS_ORDER,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Experiment,
    Idea,
    IdeaStatus,
    ProjectVisibility,
    Task,
    TaskStatus,
)

router = Router(tags=["projects"])

Sort = Literal["support", "recent", "status"]
OutcomeIn = Literal["worked", "partly", "failed"]
Column = Literal[tuple(TaskStatus.values)]
Visibility = Literal[tuple(ProjectVisibility.values)]


# --- Schemas ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    display_name: str


class IdeaOut(Schema):
    id: int
    community: str
    title: str
    problem: str
    proposal: str
    benefit: str
    author: PersonOut | None
    status: str
    status_reason: str
    support_count: int
    topic_id: int | None
    created_at: datetime
    url: str


class IdeaPage(PageOut):
    items: list[IdeaOut]


class IdeaIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    problem: str = Field(..., max_length=TEXT_MAX_LENGTH)
    proposal: str = Field(..., max_length=TEXT_MAX_LENGTH)
    benefit: str = Field(..., max_length=TEXT_MAX_LENGTH)


class IdeaStatusIn(Input):
    status: Literal[tuple(IdeaStatus.values)]
    reason: str = Field("", max_length=1000)


class IdeaFilters(Schema):
    sort: Sort = "support"
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class SupportOut(Schema):
    idea_id: int
    support_count: int


class ExperimentOut(Schema):
    id: int
    community: str
    idea_id: int | None
    title: str
    hypothesis: str
    tried: str
    measure: str
    participants: list[PersonOut]
    starts_on: date
    ends_on: date
    closed: bool
    outcome: str
    learned: str
    lesson_id: int | None
    url: str


class ExperimentPage(PageOut):
    items: list[ExperimentOut]


class ExperimentIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    hypothesis: str = Field(..., max_length=TEXT_MAX_LENGTH)
    tried: str = Field(..., max_length=TEXT_MAX_LENGTH)
    measure: str = Field(..., max_length=TEXT_MAX_LENGTH)
    starts_on: date
    ends_on: date
    participants: list[int] = Field([], max_length=200, description="Member ids.")
    idea_id: int | None = None


class CloseIn(Input):
    outcome: OutcomeIn | None = None
    learned: str = Field("", max_length=TEXT_MAX_LENGTH)


class ProjectOut(Schema):
    id: int
    community: str
    idea_id: int | None
    title: str
    purpose: str
    visibility: str
    starts_on: date | None
    ends_on: date | None
    url: str


class ProjectPage(PageOut):
    items: list[ProjectOut]


class ProjectIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    purpose: str = Field(..., max_length=TEXT_MAX_LENGTH)
    visibility: Visibility = ProjectVisibility.COMMUNITY
    starts_on: date | None = None
    ends_on: date | None = None
    idea_id: int | None = None


class TaskOut(Schema):
    id: int
    project_id: int
    title: str
    status: str
    assignee: PersonOut | None
    due_on: date | None
    version: int
    updated_at: datetime


class TaskMoveOut(TaskOut):
    overtaken: bool = Field(..., description="Someone else moved the task since `version`.")


class TaskPage(PageOut):
    items: list[TaskOut]


class TaskIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    assignee: int | None = Field(None, description="A project member's id.")
    due_on: date | None = None


class MoveIn(Input):
    status: Column
    version: int | None = Field(None, ge=1, description="The version you saw (optional).")


class PageFilters(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


# --- Shaping ---------------------------------------------------------------------------


def _person(user) -> dict | None:
    return {"id": user.pk, "display_name": user.display_name} if user else None


def _idea(idea, count=None) -> dict:
    return {
        "id": idea.pk,
        "community": idea.community.slug,
        "title": idea.title,
        "problem": idea.problem,
        "proposal": idea.proposal,
        "benefit": idea.benefit,
        "author": _person(idea.author),
        "status": idea.status,
        "status_reason": idea.status_reason,
        "support_count": idea.support_count if count is None else count,
        "topic_id": idea.topic_id,
        "created_at": idea.created_at,
        "url": idea.get_absolute_url(),
    }


def _experiment(e) -> dict:
    return {
        "id": e.pk,
        "community": e.community.slug,
        "idea_id": e.idea_id,
        "title": e.title,
        "hypothesis": e.hypothesis,
        "tried": e.tried,
        "measure": e.measure,
        "participants": [_person(p) for p in e.participants.all()],
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "closed": e.is_closed,
        "outcome": e.outcome,
        "learned": e.learned,
        "lesson_id": e.lesson_id,
        "url": e.get_absolute_url(),
    }


def _project(p) -> dict:
    return {
        "id": p.pk,
        "community": p.community.slug,
        "idea_id": p.idea_id,
        "title": p.title,
        "purpose": p.purpose,
        "visibility": p.visibility,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "url": p.get_absolute_url(),
    }


def _task(t) -> dict:
    return {
        "id": t.pk,
        "project_id": t.project_id,
        "title": t.title,
        "status": t.status,
        "assignee": _person(t.assignee),
        "due_on": t.due_on,
        "version": t.version,
        "updated_at": t.updated_at,
    }


def _readable(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    return community, access


def _idea_in(community, idea_id):
    if idea_id is None:
        return None
    idea = Idea.objects.filter(community=community, pk=idea_id).first()
    if idea is None:
        raise ActionError(_no_such("idea"), field="idea_id", code="not_found")
    return idea


def _no_such(what):
    return {
        "idea": _("There is no such idea in this community."),
        "person": _("There is no such person."),
    }[what]


def _users(ids, field):
    users = list(get_user_model().objects.filter(pk__in=set(ids)))
    if len(users) != len(set(ids)):
        raise ActionError(_no_such("person"), field=field, code="not_found")
    return users


# --- Ideas -----------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/ideas",
    response={200: IdeaPage, **ERRORS},
    auth=optional_auth,
    summary="The idea board, by support, recency or status",
)
def list_ideas(request, slug: str, filters: Query[IdeaFilters]):
    community, _access = _readable(request, slug)
    ideas = (
        Idea.objects.filter(community=community)
        .select_related("community", "author__profile")
        .annotate(support_count=Count("supports"))
    )
    if filters.sort == "recent":
        ideas = ideas.order_by("-created_at", "-pk")
    elif filters.sort == "status":
        rank = Case(
            *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
            output_field=IntegerField(),
        )
        ideas = ideas.annotate(rank=rank).order_by("rank", "-created_at", "-pk")
    else:
        ideas = ideas.order_by("-support_count", "-created_at", "-pk")
    result = paginate(ideas, filters.page, filters.page_size)
    result["items"] = [_idea(i) for i in result["items"]]
    return result


@router.post(
    "/communities/{slug}/ideas",
    response={201: IdeaOut, **ERRORS},
    summary="Propose an idea (members)",
)
def create_idea(request, slug: str, payload: IdeaIn):
    community, _access = _readable(request, slug)
    idea = actions.do_propose_idea(request.user, community, **payload.model_dump())
    return Status(201, _idea(idea, 0))


@router.post(
    "/ideas/{int:idea_id}/support",
    response={201: SupportOut, **ERRORS},
    summary="Support an idea: once per person (409 twice), never your own (403)",
)
def support_idea(request, idea_id: int):
    idea, _access = policy.get_idea_by_id_for(request.user, idea_id)
    actions.do_support_idea(request.user, idea)
    return Status(201, {"idea_id": idea.pk, "support_count": idea.supports.count()})


@router.delete(
    "/ideas/{int:idea_id}/support",
    response={200: SupportOut, **ERRORS},
    summary="Withdraw my support",
)
def withdraw_support(request, idea_id: int):
    idea, _access = policy.get_idea_by_id_for(request.user, idea_id)
    actions.do_withdraw_support(request.user, idea)
    return {"idea_id": idea.pk, "support_count": idea.supports.count()}


@router.post(
    "/ideas/{int:idea_id}/status",
    response={200: IdeaOut, **ERRORS},
    summary="Change an idea's status (moderators; declining needs a reason)",
)
def change_status(request, idea_id: int, payload: IdeaStatusIn):
    idea, _access = policy.get_idea_by_id_for(request.user, idea_id)
    idea = actions.do_change_idea_status(request.user, idea, payload.status, payload.reason)
    return _idea(idea, idea.supports.count())


# --- Experiments -----------------------------------------------------------------------


@router.get(
    "/communities/{slug}/experiments",
    response={200: ExperimentPage, **ERRORS},
    auth=optional_auth,
    summary="Experiments of a community, newest first",
)
def list_experiments(request, slug: str, filters: Query[PageFilters]):
    community, _access = _readable(request, slug)
    experiments = (
        Experiment.objects.filter(community=community)
        .select_related("community")
        .prefetch_related("participants__profile")
        .order_by("-created_at", "-pk")
    )
    result = paginate(experiments, filters.page, filters.page_size)
    result["items"] = [_experiment(e) for e in result["items"]]
    return result


@router.post(
    "/communities/{slug}/experiments",
    response={201: ExperimentOut, **ERRORS},
    summary="Start an experiment, from an idea (`idea_id`) or from scratch",
)
def create_experiment(request, slug: str, payload: ExperimentIn):
    community, _access = _readable(request, slug)
    fields = payload.model_dump(exclude={"participants", "idea_id"})
    experiment = actions.do_create_experiment(
        request.user,
        community,
        idea=_idea_in(community, payload.idea_id),
        participants=_users(payload.participants, "participants"),
        **fields,
    )
    return Status(201, _experiment(experiment))


@router.post(
    "/experiments/{int:experiment_id}/close",
    response={200: ExperimentOut, **ERRORS},
    summary="Close with an outcome; it becomes a lesson learned of the library",
)
def close_experiment(request, experiment_id: int, payload: CloseIn):
    experiment = Experiment.objects.select_related("community").filter(pk=experiment_id).first()
    if experiment is None:
        raise Http404
    experiment, _access = policy.get_experiment_for(
        request.user, experiment.community.slug, experiment_id
    )
    experiment = actions.do_close_experiment(
        request.user, experiment, outcome=payload.outcome or "", learned=payload.learned
    )
    return _experiment(experiment)


# --- Projects and tasks ----------------------------------------------------------------


@router.get(
    "/communities/{slug}/projects",
    response={200: ProjectPage, **ERRORS},
    auth=optional_auth,
    summary="Projects of a community this person may see",
)
def list_projects(request, slug: str, filters: Query[PageFilters]):
    _community, access = _readable(request, slug)
    projects = (
        policy.visible_projects(access).select_related("community").order_by("-created_at", "-pk")
    )
    result = paginate(projects, filters.page, filters.page_size)
    result["items"] = [_project(p) for p in result["items"]]
    return result


@router.post(
    "/communities/{slug}/projects",
    response={201: ProjectOut, **ERRORS},
    summary="Start a project (you become its lead)",
)
def create_project(request, slug: str, payload: ProjectIn):
    community, _access = _readable(request, slug)
    fields = payload.model_dump(exclude={"idea_id"})
    project = actions.do_create_project(
        request.user, community, idea=_idea_in(community, payload.idea_id), **fields
    )
    return Status(201, _project(project))


@router.get(
    "/projects/{int:project_id}/tasks",
    response={200: TaskPage, **ERRORS},
    auth=optional_auth,
    summary="The project's tasks",
)
def list_tasks(request, project_id: int, filters: Query[PageFilters], status: Column | None = None):
    project, _access = policy.get_project_by_id_for(request.user, project_id)
    tasks = Task.objects.filter(project=project).select_related("assignee__profile")
    if status:
        tasks = tasks.filter(status=status)
    result = paginate(tasks.order_by("due_on", "created_at", "pk"), filters.page, filters.page_size)
    result["items"] = [_task(t) for t in result["items"]]
    return result


@router.post(
    "/projects/{int:project_id}/tasks",
    response={201: TaskOut, **ERRORS},
    summary="Add a task (project members)",
)
def create_task(request, project_id: int, payload: TaskIn):
    project, _access = policy.get_project_by_id_for(request.user, project_id, "work")
    assignee = None
    if payload.assignee is not None:
        (assignee,) = _users([payload.assignee], "assignee")
    task = actions.do_add_task(
        request.user, project, title=payload.title, assignee=assignee, due_on=payload.due_on
    )
    return Status(201, _task(task))


@router.post(
    "/projects/{int:project_id}/tasks/{int:task_id}/move",
    response={200: TaskMoveOut, **ERRORS},
    summary="Move a task to another column (project members; the later move wins)",
)
def move_task(request, project_id: int, task_id: int, payload: MoveIn):
    project, _access = policy.get_project_by_id_for(request.user, project_id, "work")
    task = Task.objects.filter(project=project, pk=task_id).first()
    if task is None:
        raise Http404
    task.project = project
    task, overtaken = actions.do_move_task(
        request.user, task, payload.status, base_version=payload.version
    )
    return {**_task(task), "overtaken": overtaken}
