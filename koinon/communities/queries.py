"""Read-side helpers for the pages: every queryset starts from the policy."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from koinon.accounts.models import ProfileSkill
from koinon.accounts.policy import visible_people_for
from koinon.communities import policy
from koinon.communities.models import (
    GroupMembership,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
)

OPEN_TO_FIELDS = {
    "mentoring": "profile__open_to_mentoring",
    "being_mentored": "profile__open_to_being_mentored",
    "collaboration": "profile__open_to_collaboration",
    "jobs": "profile__open_to_jobs",
}


def discover(user, *, q: str = "", kind: str = ""):
    """Communities `user` may see, matching a name/domain search and a kind, with member counts."""
    qs = policy.visible_communities_for(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(domain__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(member_count=Count("memberships")).order_by("name")


def my_memberships(user):
    return (
        Membership.objects.filter(user=user).select_related("community").order_by("community__name")
    )


def pending_invitations_for(user):
    """Open invitations sent to the person's e-mail address."""
    return (
        Invitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(community__memberships__user=user)
        .select_related("community", "invited_by__profile")
    )


def member_directory(viewer, community, filters: dict):
    """The community's memberships for the directory, filtered and ready to render.

    Each row says whether the viewer may see the person's profile
    (`profile_visible`); filters on profile details only match people whose
    profile the viewer may see, so the filters cannot reveal hidden profiles.
    """
    visible = visible_people_for(viewer).filter(pk=OuterRef("user_id"))
    qs = (
        Membership.objects.filter(community=community)
        .select_related("user__profile")
        .annotate(profile_visible=Exists(visible))
        .prefetch_related(
            Prefetch("user__skills", queryset=ProfileSkill.objects.select_related("skill"))
        )
        .order_by("user__profile__display_name", "user__email")
    )
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    profile_filters = _profile_filters(filters)
    if profile_filters:
        qs = qs.filter(profile_visible=True).filter(profile_filters)
    return qs


def _profile_filters(filters: dict) -> Q:
    q = Q()
    if filters.get("skill"):
        has_skill = ProfileSkill.objects.filter(
            user=OuterRef("user_id"), skill__name__iexact=filters["skill"].strip()
        )
        q &= Q(Exists(has_skill))
    if filters.get("sector"):
        q &= Q(user__profile__sector__iexact=filters["sector"].strip())
    if filters.get("language"):
        q &= Q(user__profile__languages__icontains=f'"{filters["language"]}"')
    if filters.get("open_to") in OPEN_TO_FIELDS:
        q &= Q(**{"user__" + OPEN_TO_FIELDS[filters["open_to"]]: True})
    return q


def some_members(community, limit: int = 8):
    return (
        Membership.objects.filter(community=community)
        .select_related("user__profile")
        .order_by("-role", "joined_at")[:limit]
    )


def pending_requests(community):
    return (
        JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING)
        .select_related("user__profile")
        .order_by("created_at")
    )


def group_members(group):
    return (
        GroupMembership.objects.filter(group=group)
        .select_related("user__profile")
        .order_by("role", "user__profile__display_name")
    )


def groups_of(community):
    return community.groups.annotate(member_count=Count("memberships")).order_by("name")
