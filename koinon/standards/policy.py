"""Who may read, draft, amend and ratify standards, on top of the communities policy.

Readers are the community's content readers (private and secret communities answer
404 to everyone else). Any member may start a draft. The drafters are the standard's
named drafters plus the members of its working group; they (and the community's
moderators) edit the text, decide amendments, open the review and the vote.
The eligible members — who may propose amendments and vote — are the working
group's members when the standard has one and says so, otherwise every member.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from koinon.communities.models import GroupMembership, Membership
from koinon.communities.policy import Access, access_for
from koinon.standards.models import Standard, StandardStatus


def can_read(access: Access, obj=None) -> bool:
    return access.can("view_content")


def can_draft(access: Access, obj=None) -> bool:
    """Start a new standard (from scratch, a discussion or a practice)."""
    return access.is_member


def is_drafter(access: Access, standard: Standard) -> bool:
    if not access.is_member:
        return False
    cached = getattr(standard, "_drafter_ids", None)
    if cached is None:
        cached = set(standard.drafters.values_list("pk", flat=True))
        if standard.group_id:
            cached |= set(
                GroupMembership.objects.filter(group_id=standard.group_id).values_list(
                    "user_id", flat=True
                )
            )
        standard._drafter_ids = cached
    return access.user.pk in cached


def can_edit(access: Access, standard: Standard) -> bool:
    """Edit the text, decide amendments, open the review, open and close the vote."""
    return access.is_member and (access.is_moderator or is_drafter(access, standard))


def is_eligible(access: Access, standard: Standard, group=False) -> bool:
    """An eligible member: of the group given (a vote's), else of the standard's eligible
    group if it has one, else of the community."""
    if not access.is_member:
        return False
    if group is False:
        group = standard.eligible_group
    if group is None:
        return True
    return access.group_role(group) is not None


def can_amend(access: Access, standard: Standard) -> bool:
    return is_eligible(access, standard) and standard.status in (
        StandardStatus.DRAFT,
        StandardStatus.REVIEW,
    )


def can_comment(access: Access, standard: Standard | None = None) -> bool:
    return access.is_member


RULES = {
    "read": can_read,
    "draft": can_draft,
    "edit": can_edit,
    "amend": lambda a, s: is_eligible(a, s),
    "comment": can_comment,
}


def can(access: Access, action: str, obj=None) -> bool:
    rule = RULES.get(action)
    if rule is None:
        raise ValueError(f"Unknown standards action {action!r}")
    return rule(access, obj)


def authorise(user, community, action: str = "read", obj=None) -> Access:
    access = access_for(user, community)
    if not can_read(access):
        raise Http404
    if not can(access, action, obj):
        raise PermissionDenied
    return access


def get_standard_for(user, slug: str, standard_slug: str, action: str = "read"):
    standard = (
        Standard.objects.select_related("community", "group", "eligible_group")
        .filter(community__slug=slug, slug=standard_slug)
        .first()
    )
    if standard is None:
        raise Http404
    return standard, authorise(user, standard.community, action, standard)


def eligible_members(standard, group=None):
    """The user ids allowed to vote (members of `group`, else of the community)."""
    if group is not None:
        return GroupMembership.objects.filter(
            group=group, user__memberships__community=standard.community_id
        ).values_list("user_id", flat=True)
    return Membership.objects.filter(community=standard.community_id).values_list(
        "user_id", flat=True
    )


def person_label(user) -> str:
    from django.utils.translation import gettext as _

    return user.display_name if user else _("a former member")
