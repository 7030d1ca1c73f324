"""Who may see and do what with ideas, experiments and projects.

Built on the community policy: whoever may read the community's content may read its
ideas and experiments; members propose, support and experiment; moderators alone change
an idea's status. A project open to the community is read like the rest; a project for
its members only is 404 for everyone else but the community's moderators. Only project
members move tasks (403 for other readers); leads and moderators manage the project.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from koinon.communities.policy import Access, access_for, get_community_for
from koinon.projects.models import (
    Experiment,
    Idea,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectVisibility,
    Task,
)


def can_read(access: Access, obj=None) -> bool:
    return access.can("view_content")


def can_write(access: Access, obj=None) -> bool:
    return access.is_member


def can_moderate(access: Access, obj=None) -> bool:
    return access.is_moderator


def can_support(access: Access, idea: Idea) -> bool:
    """Members may support other people's open ideas; never their own."""
    return (
        access.is_member
        and idea.author_id != getattr(access.user, "pk", None)
        and not idea.is_closed
    )


def can_close_experiment(access: Access, experiment: Experiment) -> bool:
    if experiment.is_closed or not access.is_member:
        return False
    if access.is_moderator or experiment.author_id == access.user.pk:
        return True
    return experiment.participants.filter(pk=access.user.pk).exists()


def project_role(access: Access, project: Project) -> str | None:
    """The person's role in the project (one query, remembered on the project)."""
    cache = project.__dict__.setdefault("_roles", {})
    user_id = getattr(access.user, "pk", None)
    if user_id is None:
        return None
    if user_id not in cache:
        cache[user_id] = (
            ProjectMember.objects.filter(project=project, user_id=user_id)
            .values_list("role", flat=True)
            .first()
        )
    return cache[user_id]


def can_see_project(access: Access, project: Project) -> bool:
    if not can_read(access):
        return False
    if project.visibility == ProjectVisibility.COMMUNITY:
        return True
    return access.is_moderator or project_role(access, project) is not None


def can_work_on(access: Access, project: Project) -> bool:
    """Add and move tasks, post updates: the project's members."""
    return access.is_member and project_role(access, project) is not None


def can_manage(access: Access, project: Project) -> bool:
    """Members, milestones, links: the project's leads and the community's moderators."""
    return access.is_moderator or (
        access.is_member and project_role(access, project) == ProjectRole.LEAD
    )


def visible_projects(access: Access, queryset=None):
    """The community's projects this person may see, as one queryset."""
    qs = Project.objects.filter(community=access.community) if queryset is None else queryset
    if not can_read(access):
        return qs.none()
    if access.is_moderator:
        return qs
    q = Q(visibility=ProjectVisibility.COMMUNITY)
    if access.is_member:
        mine = ProjectMember.objects.filter(project=OuterRef("pk"), user=access.user)
        q |= Q(Exists(mine))
    return qs.filter(q)


def _community(user, slug) -> tuple:
    community, access = get_community_for(user, slug)
    if not can_read(access):
        raise Http404
    return community, access


def get_idea_for(user, slug: str, idea_id: int):
    community, access = _community(user, slug)
    idea = Idea.objects.select_related("community", "author__profile", "topic").filter(
        community=community, pk=idea_id
    )
    idea = idea.first()
    if idea is None:
        raise Http404
    return idea, access


def get_idea_by_id_for(user, idea_id: int):
    idea = Idea.objects.select_related("community").filter(pk=idea_id).first()
    if idea is None:
        raise Http404
    return get_idea_for(user, idea.community.slug, idea_id)


def get_experiment_for(user, slug: str, experiment_id: int):
    community, access = _community(user, slug)
    experiment = (
        Experiment.objects.select_related(
            "community", "author", "idea__community", "lesson__community"
        )
        .filter(community=community, pk=experiment_id)
        .first()
    )
    if experiment is None:
        raise Http404
    return experiment, access


def get_project_for(user, slug: str, project_id: int, action: str = "read"):
    community, access = _community(user, slug)
    project = (
        Project.objects.select_related("community", "idea__community")
        .filter(community=community, pk=project_id)
        .first()
    )
    if project is None or not can_see_project(access, project):
        raise Http404
    if action == "work" and not can_work_on(access, project):
        raise PermissionDenied
    if action == "manage" and not can_manage(access, project):
        raise PermissionDenied
    return project, access


def get_project_by_id_for(user, project_id: int, action: str = "read"):
    project = Project.objects.select_related("community").filter(pk=project_id).first()
    if project is None:
        raise Http404
    return get_project_for(user, project.community.slug, project_id, action)


def get_task_for(user, slug: str, project_id: int, task_id: int, action: str = "read"):
    project, access = get_project_for(user, slug, project_id, action)
    task = Task.objects.filter(project=project, pk=task_id).first()
    if task is None:
        raise Http404
    task.project = project
    return task, access


__all__ = ["access_for"]
