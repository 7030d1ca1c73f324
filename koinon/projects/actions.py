"""Every write on ideas, experiments and projects.

Each action checks the policy, runs in one transaction and appends to the activity log.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.communities.models import Membership
from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url
from koinon.projects import policy
from koinon.projects.models import (
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Experiment,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    Milestone,
    Project,
    ProjectLink,
    ProjectMember,
    ProjectRole,
    ProjectUpdate,
    ProjectVisibility,
    Support,
    Task,
    TaskMove,
    TaskStatus,
)
from koinon.search.items import sync as search_sync


def clean_text(value, field: str, max_length: int, *, required=True, one_line=False) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if one_line:
        value = " ".join(value.split())
    if required and not value:
        raise ActionError(_("This field is required."), field=field, code="required")
    if len(value) > max_length:
        raise ActionError(
            _("Please keep this under %(max)s characters.") % {"max": max_length},
            field=field,
            code="too_long",
        )
    return value


def _check_choice(value, choices, field):
    if value not in choices.values:
        raise ActionError(_("Please choose a valid option."), field=field, code="invalid_choice")


def _require_member(access, message):
    if not policy.can_write(access):
        raise Forbidden(message)


# --- Ideas ---------------------------------------------------------------------------


@transaction.atomic
def do_propose_idea(actor, community, *, title, problem, proposal, benefit) -> Idea:
    access = access_for(actor, community)
    _require_member(access, _("Only members can propose ideas."))
    idea = Idea.objects.create(
        community=community,
        author=actor,
        title=clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        problem=clean_text(problem, "problem", TEXT_MAX_LENGTH),
        proposal=clean_text(proposal, "proposal", TEXT_MAX_LENGTH),
        benefit=clean_text(benefit, "benefit", TEXT_MAX_LENGTH),
    )
    log_activity(actor, "idea.proposed", community=community, target=idea)
    search_sync(idea)
    return idea


def do_support_idea(actor, idea: Idea) -> Support:
    """One support per person, enforced by the database (409 the second time)."""
    access = access_for(actor, idea.community)
    _require_member(access, _("Only members can support ideas."))
    if idea.author_id == actor.pk:
        raise Forbidden(_("You cannot support your own idea."), code="own_idea")
    if idea.is_closed:
        raise ActionError(_("This idea is closed: it can no longer be supported."), code="closed")
    try:
        with transaction.atomic():
            support = Support.objects.create(idea=idea, user=actor)
            log_activity(actor, "idea.supported", community=idea.community, target=idea)
    except IntegrityError:
        raise Conflict(_("You already support this idea."), code="already_supported") from None
    return support


@transaction.atomic
def do_withdraw_support(actor, idea: Idea) -> None:
    deleted, _rows = Support.objects.filter(idea=idea, user=actor).delete()
    if not deleted:
        raise ActionError(_("You do not support this idea."), code="not_supported", status=404)
    log_activity(actor, "idea.support_withdrawn", community=idea.community, target=idea)


@transaction.atomic
def do_change_idea_status(actor, idea: Idea, status: str, reason: str = "") -> Idea:
    """Moderators move an idea along; declining needs a reason everyone can read."""
    access = access_for(actor, idea.community)
    if not policy.can_moderate(access):
        raise Forbidden(_("Only moderators can change the status of an idea."))
    _check_choice(status, IdeaStatus, "status")
    reason = clean_text(reason, "reason", REASON_MAX_LENGTH, required=False)
    if status == IdeaStatus.DECLINED and not reason:
        raise ActionError(
            _("Say why the idea is declined: everyone will read the reason."),
            field="reason",
            code="reason_required",
        )
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if status == idea.status:
        raise ActionError(_("The idea already has this status."), field="status", code="same")
    previous = idea.status
    idea.status = status
    idea.status_reason = reason
    idea.updated_at = timezone.now()
    idea.save(update_fields=["status", "status_reason", "updated_at"])
    IdeaStatusChange.objects.create(
        idea=idea, actor=actor, from_status=previous, to_status=status, reason=reason
    )
    log_activity(
        actor,
        "idea.status_changed",
        community=idea.community,
        target=idea,
        **{"from": previous, "to": status},
    )
    search_sync(idea)
    return idea


@transaction.atomic
def do_discuss_idea(actor, idea: Idea):
    """Open (once) a discussion topic linked to the idea."""
    from koinon.discussions.actions import do_create_topic

    idea = Idea.objects.select_for_update().select_related("community").get(pk=idea.pk)
    if idea.topic_id:
        return idea.topic
    problem, proposal, benefit, source = (
        _("Problem"),
        _("Proposal"),
        _("Expected benefit"),
        _("The idea"),
    )
    link = absolute_url(idea.get_absolute_url())
    body = (
        f"**{problem}:** {idea.problem}\n\n**{proposal}:** {idea.proposal}\n\n"
        f"**{benefit}:** {idea.benefit}\n\n{source}: {link}"
    )
    title = (_("Idea: %(title)s") % {"title": idea.title})[:TITLE_MAX_LENGTH]
    topic = do_create_topic(actor, idea.community, title=title, body=body)
    idea.topic = topic
    idea.save(update_fields=["topic"])
    log_activity(actor, "idea.discussion_opened", community=idea.community, target=idea)
    return topic


# --- Experiments ---------------------------------------------------------------------


def _members_of(community, users, field) -> list:
    users = list(users or [])
    ids = {u.pk for u in users}
    known = set(
        Membership.objects.filter(community=community, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if ids - known:
        raise ActionError(
            _("Only members of the community can be chosen."), field=field, code="not_member"
        )
    return users


@transaction.atomic
def do_create_experiment(
    actor,
    community,
    *,
    title,
    hypothesis,
    tried,
    measure,
    starts_on,
    ends_on,
    participants=(),
    idea=None,
) -> Experiment:
    access = access_for(actor, community)
    _require_member(access, _("Only members can start experiments."))
    if idea is not None and idea.community_id != community.pk:
        raise ActionError(_("This idea belongs to another community."), field="idea")
    if not starts_on:
        raise ActionError(_("This field is required."), field="starts_on", code="required")
    if not ends_on:
        raise ActionError(_("This field is required."), field="ends_on", code="required")
    if ends_on < starts_on:
        raise ActionError(
            _("The end cannot come before the start."), field="ends_on", code="ends_before_start"
        )
    participants = _members_of(community, participants, "participants")
    experiment = Experiment.objects.create(
        community=community,
        idea=idea,
        author=actor,
        title=clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        hypothesis=clean_text(hypothesis, "hypothesis", TEXT_MAX_LENGTH),
        tried=clean_text(tried, "tried", TEXT_MAX_LENGTH),
        measure=clean_text(measure, "measure", TEXT_MAX_LENGTH),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    experiment.participants.set(participants)
    log_activity(actor, "experiment.created", community=community, target=experiment)
    search_sync(experiment)
    return experiment


@transaction.atomic
def do_close_experiment(actor, experiment: Experiment, *, outcome, learned) -> Experiment:
    """Record the outcome; it becomes a lesson learned of the library, linked both ways."""
    from koinon.library.actions import do_create_lesson
    from koinon.library.models import Outcome

    access = access_for(actor, experiment.community)
    experiment = (
        Experiment.objects.select_for_update().select_related("community").get(pk=experiment.pk)
    )
    if experiment.is_closed:
        raise Conflict(_("This experiment is already closed."), code="already_closed")
    if not policy.can_close_experiment(access, experiment):
        raise Forbidden(
            _("Only the experiment's author, its participants and moderators can close it.")
        )
    if not outcome:
        raise ActionError(
            _("Say how it went (worked, partly or failed) to close the experiment."),
            field="outcome",
            code="outcome_required",
        )
    _check_choice(outcome, Outcome, "outcome")
    learned = clean_text(learned, "learned", TEXT_MAX_LENGTH)
    link = absolute_url(experiment.get_absolute_url())
    measured, source = _("How success was measured"), _("From the experiment")
    context = f"{experiment.hypothesis}\n\n{measured}: {experiment.measure}\n\n{source}: {link}"
    context = context[:TEXT_MAX_LENGTH]
    lesson = do_create_lesson(
        actor,
        experiment.community,
        title=experiment.title,
        context=context,
        tried=experiment.tried,
        outcome=outcome,
        learned=learned,
    )
    experiment.outcome = outcome
    experiment.learned = learned
    experiment.closed_at = timezone.now()
    experiment.lesson = lesson
    experiment.save(update_fields=["outcome", "learned", "closed_at", "lesson"])
    log_activity(
        actor,
        "experiment.closed",
        community=experiment.community,
        target=experiment,
        outcome=outcome,
        lesson=lesson.pk,
    )
    search_sync(experiment)
    return experiment


# --- Projects ------------------------------------------------------------------------


@transaction.atomic
def do_create_project(
    actor,
    community,
    *,
    title,
    purpose,
    visibility=ProjectVisibility.COMMUNITY,
    starts_on=None,
    ends_on=None,
    idea=None,
) -> Project:
    access = access_for(actor, community)
    _require_member(access, _("Only members can start projects."))
    _check_choice(visibility, ProjectVisibility, "visibility")
    if idea is not None and idea.community_id != community.pk:
        raise ActionError(_("This idea belongs to another community."), field="idea")
    if starts_on and ends_on and ends_on < starts_on:
        raise ActionError(
            _("The end cannot come before the start."), field="ends_on", code="ends_before_start"
        )
    project = Project.objects.create(
        community=community,
        idea=idea,
        created_by=actor,
        title=clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        purpose=clean_text(purpose, "purpose", TEXT_MAX_LENGTH),
        visibility=visibility,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    ProjectMember.objects.create(project=project, user=actor, role=ProjectRole.LEAD)
    log_activity(
        actor,
        "project.created",
        community=community,
        target=project,
        is_private=visibility == ProjectVisibility.MEMBERS,
    )
    search_sync(project)
    return project


def _private(project) -> bool:
    return project.visibility == ProjectVisibility.MEMBERS


@transaction.atomic
def do_add_project_member(actor, project: Project, user, role=ProjectRole.CONTRIBUTOR):
    access = access_for(actor, project.community)
    if not policy.can_manage(access, project):
        raise Forbidden(_("Only the project's leads and moderators can add members."))
    _check_choice(role, ProjectRole, "role")
    _members_of(project.community, [user], "email")
    try:
        with transaction.atomic():
            member = ProjectMember.objects.create(project=project, user=user, role=role)
    except IntegrityError:
        raise Conflict(
            _("This person is already in the project."), field="email", code="already_member"
        ) from None
    log_activity(
        actor,
        "project.member_added",
        community=project.community,
        target=project,
        is_private=_private(project),
        user=user.pk,
        role=role,
    )
    return member


def find_member_by_email(community, email):
    user = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not Membership.objects.filter(community=community, user=user).exists():
        raise ActionError(
            _("No member of this community has this e-mail address."),
            field="email",
            code="not_member",
        )
    return user


def _check_assignee(project, assignee):
    if (
        assignee is not None
        and not ProjectMember.objects.filter(project=project, user=assignee).exists()
    ):
        raise ActionError(
            _("Tasks can only be assigned to the project's members."),
            field="assignee",
            code="not_project_member",
        )


@transaction.atomic
def do_add_task(actor, project: Project, *, title, assignee=None, due_on=None) -> Task:
    access = access_for(actor, project.community)
    if not policy.can_work_on(access, project):
        raise Forbidden(_("Only the project's members can add tasks."))
    _check_assignee(project, assignee)
    task = Task.objects.create(
        project=project,
        title=clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        assignee=assignee,
        due_on=due_on,
    )
    log_activity(
        actor,
        "task.created",
        community=project.community,
        target=task,
        is_private=_private(project),
        project=project.pk,
    )
    return task


def do_move_task(actor, task: Task, status: str, *, base_version: int | None = None):
    """Move a task to another column; returns (task, overtaken).

    The move is one conditional UPDATE under a row lock that bumps `version`: of two
    people moving the same task at once the later one wins, and both moves stay in the
    task's history. `overtaken` is True when `base_version` (the version the mover saw)
    is stale, i.e. someone else moved the task in between.
    """
    project = task.project
    access = access_for(actor, project.community)
    if not policy.can_work_on(access, project):
        raise Forbidden(_("Only the project's members can move its tasks."))
    _check_choice(status, TaskStatus, "status")
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        overtaken = base_version is not None and base_version != current.version
        now = timezone.now()
        updated = Task.objects.filter(pk=current.pk, version=current.version).update(
            status=status, version=F("version") + 1, updated_at=now
        )
        if not updated:  # only possible without row locks; never lose the move silently
            raise Conflict(_("The task changed while moving it: please try again."))
        TaskMove.objects.create(
            task=current,
            actor=actor,
            from_status=current.status,
            to_status=status,
            version=current.version + 1,
        )
        log_activity(
            actor,
            "task.moved",
            community=project.community,
            target=current,
            is_private=_private(project),
            **{"from": current.status, "to": status},
        )
    task.refresh_from_db()
    task.project = project
    return task, overtaken


@transaction.atomic
def do_add_milestone(actor, project: Project, *, title, due_on) -> Milestone:
    access = access_for(actor, project.community)
    if not policy.can_manage(access, project):
        raise Forbidden(_("Only the project's leads and moderators can set milestones."))
    if not due_on:
        raise ActionError(_("This field is required."), field="due_on", code="required")
    if project.ends_on and due_on > project.ends_on:
        raise ActionError(
            _("A milestone cannot come after the project's end (%(end)s).")
            % {"end": project.ends_on.isoformat()},
            field="due_on",
            code="after_project_end",
        )
    if project.starts_on and due_on < project.starts_on:
        raise ActionError(
            _("A milestone cannot come before the project's start (%(start)s).")
            % {"start": project.starts_on.isoformat()},
            field="due_on",
            code="before_project_start",
        )
    milestone = Milestone.objects.create(
        project=project,
        title=clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        due_on=due_on,
    )
    log_activity(
        actor,
        "milestone.created",
        community=project.community,
        target=project,
        is_private=_private(project),
    )
    return milestone


@transaction.atomic
def do_post_update(actor, project: Project, *, body) -> ProjectUpdate:
    access = access_for(actor, project.community)
    if not policy.can_work_on(access, project):
        raise Forbidden(_("Only the project's members can post updates."))
    update = ProjectUpdate.objects.create(
        project=project, author=actor, body=clean_text(body, "body", TEXT_MAX_LENGTH)
    )
    log_activity(
        actor,
        "project.updated",
        community=project.community,
        target=project,
        is_private=_private(project),
    )
    return update


@transaction.atomic
def do_link(actor, project: Project, *, resource=None, practice=None, topic=None):
    """Link a resource, practice or topic of the project's community."""
    access = access_for(actor, project.community)
    if not policy.can_manage(access, project):
        raise Forbidden(_("Only the project's leads and moderators can add links."))
    targets = [t for t in (resource, practice, topic) if t is not None]
    if len(targets) != 1:
        raise ActionError(_("Choose one thing to link."), field="target", code="one_target")
    if targets[0].community_id != project.community_id:
        raise ActionError(
            _("Only things of the project's community can be linked."), field="target"
        )
    try:
        with transaction.atomic():
            link = ProjectLink.objects.create(
                project=project, resource=resource, practice=practice, topic=topic
            )
    except IntegrityError:
        raise Conflict(
            _("This is already linked."), field="target", code="already_linked"
        ) from None
    log_activity(
        actor,
        "project.linked",
        community=project.community,
        target=project,
        is_private=_private(project),
    )
    return link
