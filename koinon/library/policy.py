"""Who may read and write the library, on top of the communities policy.

Readers are the community's content readers (private and secret communities answer
404 to everyone else); authors are its members; a practice's status and the change
proposals made to it are decided by its maintainers or the community's moderators.
Anonymous lessons keep their author (to edit) but never show it: `author_label`
is the one place that decides what a reader sees.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from koinon.communities.policy import Access, access_for, content_communities_for
from koinon.library.models import ChangeProposal, Lesson, Practice, ReadingList, Resource

ANONYMOUS_LABEL = _("Anonymous member")
FORMER_MEMBER_LABEL = _("Former member")


def is_self(access: Access, user_id) -> bool:
    return user_id is not None and access.user.is_authenticated and access.user.pk == user_id


def can_read(access: Access, obj=None) -> bool:
    return access.can("view_content")


def can_write(access: Access, obj=None) -> bool:
    """Write a practice, edit one (every save is a version), log a lesson, add a resource."""
    return access.is_member


def is_maintainer(access: Access, practice: Practice) -> bool:
    if not access.user.is_authenticated:
        return False
    cached = getattr(practice, "_maintainer_ids", None)
    if cached is None:
        cached = practice._maintainer_ids = set(practice.maintainers.values_list("pk", flat=True))
    return access.user.pk in cached


def can_maintain(access: Access, practice: Practice) -> bool:
    """Change the status, name maintainers, decide change proposals."""
    return access.is_member and (access.is_moderator or is_maintainer(access, practice))


def can_adopt(access: Access, practice: Practice | None = None) -> bool:
    return access.is_member


def can_post_anonymously(access: Access, obj=None) -> bool:
    return access.is_member and access.community.allow_anonymous


def can_edit_own(access: Access, item) -> bool:
    """A lesson or a resource: its author or a moderator."""
    author_id = getattr(item, "author_id", None) or getattr(item, "added_by_id", None)
    return access.is_member and (access.is_moderator or is_self(access, author_id))


RULES = {
    "read": can_read,
    "write": can_write,
    "maintain": can_maintain,
    "adopt": can_adopt,
    "post_anonymously": can_post_anonymously,
    "edit_own": can_edit_own,
}


def can(access: Access, action: str, obj=None) -> bool:
    rule = RULES.get(action)
    if rule is None:
        raise ValueError(f"Unknown library action {action!r}")
    return rule(access, obj)


def authorise(user, community, action: str = "read", obj=None) -> Access:
    """The reader's access; 404 if the content is unseen, 403 if seen but not allowed."""
    access = access_for(user, community)
    if not can_read(access):
        raise Http404
    if not can(access, action, obj):
        raise PermissionDenied
    return access


def visible_practices_for(user):
    return Practice.objects.filter(community__in=content_communities_for(user))


def get_practice_for(user, slug: str, practice_slug: str, action: str = "read"):
    practice = (
        Practice.objects.select_related("community")
        .filter(community__slug=slug, slug=practice_slug)
        .first()
    )
    if practice is None:
        raise Http404
    return practice, authorise(user, practice.community, action, practice)


def get_practice_by_id_for(user, practice_id: int, action: str = "read"):
    practice = Practice.objects.select_related("community").filter(pk=practice_id).first()
    if practice is None:
        raise Http404
    return practice, authorise(user, practice.community, action, practice)


def get_lesson_for(user, slug: str, lesson_id: int, action: str = "read"):
    lesson = (
        Lesson.objects.select_related("community", "author__profile")
        .filter(community__slug=slug, pk=lesson_id)
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson, authorise(user, lesson.community, action, lesson)


def get_lesson_by_id_for(user, lesson_id: int, action: str = "read"):
    lesson = (
        Lesson.objects.select_related("community", "author__profile").filter(pk=lesson_id).first()
    )
    if lesson is None:
        raise Http404
    return lesson, authorise(user, lesson.community, action, lesson)


def get_proposal_for(user, proposal_id: int, action: str = "read"):
    proposal = (
        ChangeProposal.objects.select_related("practice__community", "lesson")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404
    practice = proposal.practice
    return proposal, authorise(user, practice.community, action, practice)


def get_resource_for(user, slug: str, resource_id: int, action: str = "read"):
    resource = (
        Resource.objects.select_related("community", "added_by__profile")
        .filter(community__slug=slug, pk=resource_id)
        .first()
    )
    if resource is None:
        raise Http404
    return resource, authorise(user, resource.community, action, resource)


def get_resource_by_id_for(user, resource_id: int, action: str = "read"):
    resource = Resource.objects.select_related("community").filter(pk=resource_id).first()
    if resource is None:
        raise Http404
    return resource, authorise(user, resource.community, action, resource)


def get_reading_list_for(user, slug: str, list_id: int):
    reading_list = (
        ReadingList.objects.select_related("community", "created_by__profile")
        .filter(community__slug=slug, pk=list_id)
        .first()
    )
    if reading_list is None:
        raise Http404
    return reading_list, authorise(user, reading_list.community)


def can_edit_list(access: Access, reading_list) -> bool:
    return access.is_member and (access.is_moderator or is_self(access, reading_list.created_by_id))


def person_label(user) -> str:
    return user.display_name if user else str(FORMER_MEMBER_LABEL)


def author_label(item) -> str:
    """The name a reader sees for an item's author: never the person behind an anonymous one."""
    if getattr(item, "is_anonymous", False):
        return str(ANONYMOUS_LABEL)
    return person_label(item.author)
