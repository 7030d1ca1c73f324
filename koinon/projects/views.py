"""Pages for the idea board, experiments and projects (with the HTMX task board)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.opportunities.views import open_calls_for
from koinon.projects import actions, policy
from koinon.projects.forms import (
    CloseExperimentForm,
    ExperimentForm,
    IdeaForm,
    IdeaSortForm,
    IdeaStatusForm,
    LinkForm,
    MemberForm,
    MilestoneForm,
    MoveForm,
    ProjectForm,
    TaskForm,
    UpdateForm,
)
from koinon.projects.models import (
    STATUS_ORDER,
    Experiment,
    Idea,
    Support,
    Task,
    TaskStatus,
)

PER_PAGE = 30


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _error(request, error: ActionError, target="#projects-messages"):
    """A refused request: the reason with its 4xx status (into the live region for HTMX)."""
    template = "projects/partials/error.html" if is_htmx(request) else "projects/error.html"
    response = render(request, template, {"error": error}, status=error.status)
    if is_htmx(request):
        response["HX-Retarget"] = target
        response["HX-Reswap"] = "innerHTML"
    return response


def _community(request, slug, *, write=False):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        if not request.user.is_authenticated:
            return None, None
        raise Http404
    if write and not policy.can_write(access):
        raise PermissionDenied
    return community, access


# --- Ideas ---------------------------------------------------------------------------


def _ideas(community, user):
    ideas = (
        Idea.objects.filter(community=community)
        .select_related("community", "author__profile")
        .annotate(support_count=Count("supports"))
    )
    if user.is_authenticated:
        mine = Support.objects.filter(idea=OuterRef("pk"), user=user)
        ideas = ideas.annotate(supported=Exists(mine))
    else:
        ideas = ideas.annotate(supported=Value(False))
    return ideas


def idea_list(request, slug):
    community, access = _community(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    form = IdeaSortForm(request.GET or None)
    sort = (form.is_valid() and form.cleaned_data.get("sort")) or "support"
    ideas = _ideas(community, request.user)
    if sort == "recent":
        ideas = ideas.order_by("-created_at", "-pk")
    elif sort == "status":
        order = Case(
            *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
            output_field=IntegerField(),
        )
        ideas = ideas.annotate(status_rank=order).order_by("status_rank", "-created_at", "-pk")
    else:
        ideas = ideas.order_by("-support_count", "-created_at", "-pk")
    page = paginate(request, ideas, PER_PAGE)
    for idea in page:
        idea.can_support = policy.can_support(access, idea)
    context = {
        "community": community,
        "access": access,
        "page": page,
        "form": form,
        "sort": sort,
        "query": f"sort={sort}",
        "can_write": policy.can_write(access),
    }
    return render(request, "projects/idea_list.html", context)


@login_required
def idea_create(request, slug):
    community, access = _community(request, slug, write=True)
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = actions.do_propose_idea(request.user, community, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(idea)
    status = 400 if form.errors else 200
    return render(
        request, "projects/idea_form.html", {"community": community, "form": form}, status=status
    )


def _idea_context(request, idea, access, **extra):
    idea.support_count = idea.supports.count()
    idea.supported = (
        request.user.is_authenticated and idea.supports.filter(user=request.user).exists()
    )
    idea.can_support = policy.can_support(access, idea)
    context = {
        "community": idea.community,
        "access": access,
        "idea": idea,
        "changes": list(idea.status_changes.select_related("actor__profile")),
        "experiments": list(idea.experiments.select_related("community")[:50]),
        "projects": list(
            policy.visible_projects(access, idea.projects.select_related("community"))[:50]
        ),
        "status_form": IdeaStatusForm(initial={"status": idea.status}),
        "can_moderate": policy.can_moderate(access),
        "can_write": policy.can_write(access),
    }
    context.update(extra)
    return context


def idea_detail(request, slug, idea_id):
    idea, access = policy.get_idea_for(request.user, slug, idea_id)
    return render(request, "projects/idea_detail.html", _idea_context(request, idea, access))


@login_required
@require_POST
def idea_support(request, slug, idea_id):
    idea, access = policy.get_idea_for(request.user, slug, idea_id)
    try:
        if request.POST.get("withdraw"):
            actions.do_withdraw_support(request.user, idea)
        else:
            actions.do_support_idea(request.user, idea)
    except ActionError as error:
        return _error(request, error, f"#support-{idea.pk}-message")
    if is_htmx(request):
        idea.support_count = idea.supports.count()
        idea.supported = idea.supports.filter(user=request.user).exists()
        idea.can_support = policy.can_support(access, idea)
        return render(request, "projects/partials/support.html", {"idea": idea})
    return redirect(idea)


@login_required
@require_POST
def idea_status(request, slug, idea_id):
    idea, access = policy.get_idea_for(request.user, slug, idea_id)
    if not policy.can_moderate(access):
        raise PermissionDenied
    form = IdeaStatusForm(request.POST)
    if form.is_valid():
        try:
            actions.do_change_idea_status(request.user, idea, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(idea)
    context = _idea_context(request, idea, access, status_form=form)
    return render(request, "projects/idea_detail.html", context, status=400)


@login_required
@require_POST
def idea_discuss(request, slug, idea_id):
    idea, access = policy.get_idea_for(request.user, slug, idea_id)
    if not policy.can_write(access):
        raise PermissionDenied
    try:
        topic = actions.do_discuss_idea(request.user, idea)
    except ActionError as error:
        return _error(request, error)
    return redirect(topic)


# --- Experiments ---------------------------------------------------------------------


def experiment_list(request, slug):
    community, access = _community(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    experiments = (
        Experiment.objects.filter(community=community)
        .select_related("community", "idea__community", "lesson")
        .annotate(participant_count=Count("participants"))
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, experiments, PER_PAGE)
    context = {
        "community": community,
        "page": page,
        "query": "",
        "can_write": policy.can_write(access),
    }
    return render(request, "projects/experiment_list.html", context)


@login_required
def experiment_create(request, slug):
    community, access = _community(request, slug, write=True)
    idea = None
    idea_id = request.GET.get("idea") or request.POST.get("idea")
    if idea_id and str(idea_id).isdigit():
        idea = Idea.objects.filter(community=community, pk=int(idea_id)).first()
    initial = {"title": idea.title, "tried": idea.proposal} if idea else {}
    form = ExperimentForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            experiment = actions.do_create_experiment(
                request.user, community, idea=idea, **form.cleaned_data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(experiment)
    context = {"community": community, "form": form, "idea": idea}
    status = 400 if form.errors else 200
    return render(request, "projects/experiment_form.html", context, status=status)


def experiment_detail(request, slug, experiment_id):
    experiment, access = policy.get_experiment_for(request.user, slug, experiment_id)
    context = {
        "community": experiment.community,
        "experiment": experiment,
        "participants": list(
            experiment.participants.select_related("profile").order_by("profile__display_name")[
                :200
            ]
        ),
        "can_close": policy.can_close_experiment(access, experiment),
        "form": CloseExperimentForm(),
    }
    return render(request, "projects/experiment_detail.html", context)


@login_required
def experiment_close(request, slug, experiment_id):
    experiment, access = policy.get_experiment_for(request.user, slug, experiment_id)
    if not experiment.is_closed and not policy.can_close_experiment(access, experiment):
        raise PermissionDenied
    form = CloseExperimentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_close_experiment(request.user, experiment, **form.cleaned_data)
        except ActionError as error:
            if error.status == 409:
                return _error(request, error)
            _form_error(form, error)
        else:
            messages.success(request, _("The experiment is closed and its lesson is published."))
            return redirect(experiment)
    context = {"community": experiment.community, "experiment": experiment, "form": form}
    status = 400 if form.errors else 200
    return render(request, "projects/experiment_close.html", context, status=status)


# --- Projects ------------------------------------------------------------------------


def project_list(request, slug):
    community, access = _community(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    projects = (
        policy.visible_projects(access)
        .select_related("community")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, projects, PER_PAGE)
    context = {
        "community": community,
        "page": page,
        "query": "",
        "can_write": policy.can_write(access),
    }
    return render(request, "projects/project_list.html", context)


@login_required
def project_create(request, slug):
    community, access = _community(request, slug, write=True)
    idea = None
    idea_id = request.GET.get("idea") or request.POST.get("idea")
    if idea_id and str(idea_id).isdigit():
        idea = Idea.objects.filter(community=community, pk=int(idea_id)).first()
    initial = {"title": idea.title, "purpose": idea.proposal} if idea else {}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = actions.do_create_project(
                request.user, community, idea=idea, **form.cleaned_data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(project)
    context = {"community": community, "form": form, "idea": idea}
    status = 400 if form.errors else 200
    return render(request, "projects/project_form.html", context, status=status)


def board_columns(project):
    """The board: the project's tasks by column, with their assignees (one query)."""
    tasks = list(
        Task.objects.filter(project=project)
        .select_related("assignee__profile")
        .order_by("due_on", "created_at", "pk")[:500]
    )
    return [
        {"status": value, "label": label, "tasks": [t for t in tasks if t.status == value]}
        for value, label in TaskStatus.choices
    ]


def _board_context(request, project, access, **extra):
    context = {
        "community": project.community,
        "project": project,
        "columns": board_columns(project),
        "can_work": policy.can_work_on(access, project),
    }
    context.update(extra)
    return context


def _project_context(request, project, access, **forms):
    can_manage = policy.can_manage(access, project)
    can_work = policy.can_work_on(access, project)
    context = _board_context(request, project, access)
    context.update(
        {
            "access": access,
            "members": list(project.members.select_related("user__profile")),
            "milestones": list(project.milestones.all()[:100]),
            "updates": list(project.updates.select_related("author__profile")[:30]),
            "links": list(project.links.select_related("resource", "practice", "topic")),
            "can_manage": can_manage,
            "open_calls": open_calls_for(project),
            "task_form": forms.get("task_form")
            or (TaskForm(project=project) if can_work else None),
            "milestone_form": forms.get("milestone_form") or MilestoneForm(),
            "member_form": forms.get("member_form") or MemberForm(),
            "update_form": forms.get("update_form") or UpdateForm(),
            "link_form": forms.get("link_form")
            or (LinkForm(community=project.community) if can_manage else None),
        }
    )
    return context


def project_detail(request, slug, project_id):
    project, access = policy.get_project_for(request.user, slug, project_id)
    return render(
        request, "projects/project_detail.html", _project_context(request, project, access)
    )


def _project_form_post(request, slug, project_id, action, form_name, make_form, run):
    project, access = policy.get_project_for(request.user, slug, project_id, action)
    form = make_form(project)
    if form.is_valid():
        try:
            run(project, form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(project)
    context = _project_context(request, project, access, **{form_name: form})
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
@require_POST
def task_add(request, slug, project_id):
    return _project_form_post(
        request,
        slug,
        project_id,
        "work",
        "task_form",
        lambda p: TaskForm(request.POST, project=p),
        lambda p, data: actions.do_add_task(request.user, p, **data),
    )


@login_required
@require_POST
def milestone_add(request, slug, project_id):
    return _project_form_post(
        request,
        slug,
        project_id,
        "manage",
        "milestone_form",
        lambda p: MilestoneForm(request.POST),
        lambda p, data: actions.do_add_milestone(request.user, p, **data),
    )


@login_required
@require_POST
def member_add(request, slug, project_id):
    def run(project, data):
        user = actions.find_member_by_email(project.community, data["email"])
        actions.do_add_project_member(request.user, project, user, data["role"])

    return _project_form_post(
        request,
        slug,
        project_id,
        "manage",
        "member_form",
        lambda p: MemberForm(request.POST),
        run,
    )


@login_required
@require_POST
def update_add(request, slug, project_id):
    return _project_form_post(
        request,
        slug,
        project_id,
        "work",
        "update_form",
        lambda p: UpdateForm(request.POST),
        lambda p, data: actions.do_post_update(request.user, p, **data),
    )


@login_required
@require_POST
def link_add(request, slug, project_id):
    return _project_form_post(
        request,
        slug,
        project_id,
        "manage",
        "link_form",
        lambda p: LinkForm(request.POST, community=p.community),
        lambda p, data: actions.do_link(request.user, p, **data),
    )


@login_required
@require_POST
def task_move(request, slug, project_id, task_id):
    """Move a task; HTMX gets the whole board back, showing the final state."""
    task, access = policy.get_task_for(request.user, slug, project_id, task_id, "work")
    form = MoveForm(request.POST)
    if not form.is_valid():
        error = ActionError(_("Please choose a valid column."), field="status")
        return _error(request, error, "#board-messages")
    try:
        task, overtaken = actions.do_move_task(
            request.user,
            task,
            form.cleaned_data["status"],
            base_version=form.cleaned_data.get("version"),
        )
    except ActionError as error:
        return _error(request, error, "#board-messages")
    notice = ""
    if overtaken:
        notice = _(
            "Someone else moved “%(title)s” meanwhile; your move came later and is kept."
        ) % {"title": task.title}
    else:
        notice = _("“%(title)s” moved to %(column)s.") % {
            "title": task.title,
            "column": task.get_status_display(),
        }
    if is_htmx(request):
        context = _board_context(request, task.project, access, notice=notice)
        return render(request, "projects/partials/board.html", context)
    messages.info(request, notice)
    return redirect(task.project)
