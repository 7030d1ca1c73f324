"""API endpoints for communities, memberships, invitations, join requests and groups.

Each endpoint fetches through the policy (404 for what the caller may not see, 403 for
what they may see but not do) and writes through `koinon.communities.actions`.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import CharField, OuterRef, Subquery, Value
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from koinon.accounts.fields import check_languages
from koinon.accounts.models import User
from koinon.accounts.policy import visible_people_for
from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, PatchInput, paginate
from koinon.communities import actions, models, policy, queries
from koinon.communities.models import GroupMembership, Invitation, JoinRequest, Membership

router = Router(tags=["communities"])

Kind = Literal[tuple(models.Kind.values)]
Formality = Literal[tuple(models.Formality.values)]
Visibility = Literal[tuple(models.Visibility.values)]
JoinPolicy = Literal[tuple(models.JoinPolicy.values)]
Cadence = Literal[tuple(models.Cadence.values)]
Role = Literal[tuple(models.Role.values)]
InvitableRole = Literal[tuple(r for r in models.Role.values if r != models.Role.OWNER)]
GroupKind = Literal[tuple(models.GroupKind.values)]
OpenTo = Literal[tuple(queries.OPEN_TO_FIELDS)]
SLUG = r"^[-a-zA-Z0-9_]+$"
PERMISSIONS = (
    "view_content",
    "view_members",
    "join",
    "request_join",
    "leave",
    "edit",
    "invite",
    "manage_requests",
    "change_role",
    "transfer",
    "create_group",
)


# --- Schemas ---------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    display_name: str


class CommunityOut(Schema):
    """What anyone who may see the community sees, members or not."""

    slug: str
    name: str
    kind: str
    formality: str
    domain: str
    purpose: str
    languages: list[str]
    cadence: str
    visibility: str
    join_policy: str
    cover_url: str | None = None
    member_count: int
    my_role: str | None = None

    @staticmethod
    def resolve_cover_url(obj):
        return obj.cover.url if obj.cover else None


class CommunityDetailOut(CommunityOut):
    """Non-members of a private community get only CommunityOut's fields."""

    values: str = None
    goals: str = None
    code_of_conduct: str = None
    code_of_conduct_html: str = None
    allow_anonymous: bool = None
    created_at: datetime = None
    can: dict[str, bool] = Field(None, description="What the caller may do here.")


class CommunityPage(PageOut):
    items: list[CommunityOut]


def _check_languages(value):
    try:
        return check_languages(value)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from exc


class CommunityPatch(PatchInput):
    name: str = Field(None, min_length=1, max_length=120)
    kind: Kind = None
    formality: Formality = None
    domain: str = Field(None, min_length=1, max_length=200)
    purpose: str = Field(None, min_length=1, max_length=2000)
    values: str = Field(None, max_length=4000)
    goals: str = Field(None, max_length=4000)
    code_of_conduct: str = Field(None, max_length=20000)
    languages: list[str] = Field(None, description="Language codes, e.g. it, en.")
    cadence: Cadence = None
    visibility: Visibility = None
    join_policy: JoinPolicy = None
    allow_anonymous: bool = None

    @field_validator("languages")
    @classmethod
    def _languages(cls, value):
        return _check_languages(value)


class CommunityCreate(CommunityPatch):
    slug: str = Field(..., max_length=60, pattern=SLUG)
    name: str = Field(..., min_length=1, max_length=120)
    kind: Kind
    domain: str = Field(..., min_length=1, max_length=200)
    purpose: str = Field(..., min_length=1, max_length=2000)


class MemberProfileOut(Schema):
    headline: str
    sector: str
    organisation: str
    city: str
    country: str
    languages: list[str]
    open_to: list[str]
    skills: list[dict]


class MemberOut(Schema):
    user_id: int
    display_name: str
    role: str
    joined_at: datetime
    profile: MemberProfileOut | None = Field(
        None, description="Only when the caller may see this person's profile."
    )


class MemberPage(PageOut):
    items: list[MemberOut]


class MemberFilters(Schema):
    skill: str | None = Field(None, max_length=80)
    sector: str | None = Field(None, max_length=80)
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}$")
    open_to: OpenTo | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=100)


class MembershipOut(Schema):
    community: str
    user_id: int
    role: str
    joined_at: datetime

    @staticmethod
    def resolve_community(obj):
        return obj.community.slug


class JoinIn(Input):
    accept_code_of_conduct: bool = False


class RoleIn(Input):
    role: Role


class TransferIn(Input):
    new_owner: int = Field(..., description="The id of the member who becomes owner.")


class InvitationIn(Input):
    email: str = Field(..., max_length=254)
    role: InvitableRole = models.Role.MEMBER

    @field_validator("email")
    @classmethod
    def _email(cls, value):
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise ValueError("Enter a valid e-mail address.") from exc
        return value.lower()


class InvitationOut(Schema):
    id: int
    community: str
    email: str
    role: str
    status: Literal["pending", "accepted", "revoked", "expired"]
    invited_by: PersonRef | None
    created_at: datetime
    expires_at: datetime

    @staticmethod
    def resolve_community(obj):
        return obj.community.slug

    @staticmethod
    def resolve_status(obj):
        if obj.revoked_at:
            return "revoked"
        if obj.accepted_at:
            return "accepted"
        return "expired" if obj.is_expired else "pending"

    @staticmethod
    def resolve_invited_by(obj):
        return _ref(obj.invited_by)


class JoinRequestIn(Input):
    message: str = Field("", max_length=2000)


class JoinRequestOut(Schema):
    id: int
    community: str
    user: PersonRef
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_community(obj):
        return obj.community.slug

    @staticmethod
    def resolve_user(obj):
        return _ref(obj.user)


class GroupIn(Input):
    name: str = Field(..., min_length=1, max_length=120)
    slug: str = Field(..., max_length=60, pattern=SLUG)
    kind: GroupKind
    description: str = Field("", max_length=4000)
    is_open: bool = True


class GroupOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    is_open: bool
    member_count: int
    my_role: str | None = None


class GroupMemberOut(Schema):
    user_id: int
    display_name: str
    role: str


class GroupDetailOut(GroupOut):
    members: list[GroupMemberOut]


class GroupMembershipOut(Schema):
    group: str
    user_id: int
    role: str
    joined_at: datetime

    @staticmethod
    def resolve_group(obj):
        return obj.group.slug


# --- Helpers ---------------------------------------------------------------------


def _ref(user):
    return {"id": user.pk, "display_name": user.display_name} if user else None


def _my_role(model, user, **outer):
    """A subquery for the caller's role in each row's community or group."""
    if not user.is_authenticated:
        return Value(None, output_field=CharField())
    filters = {name: OuterRef(ref) for name, ref in outer.items()}
    return Subquery(model.objects.filter(user=user, **filters).values("role")[:1])


def _community_detail(community, access) -> dict:
    computed = {
        "cover_url": community.cover.url if community.cover else None,
        "member_count": community.memberships.count(),
        "my_role": access.role,
    }
    data = {name: getattr(community, name) for name in CommunityOut.model_fields.keys() - computed}
    data.update(computed)
    if access.can("view_content"):
        extra = set(CommunityDetailOut.model_fields) - set(CommunityOut.model_fields) - {"can"}
        data.update({name: getattr(community, name) for name in extra})
    data["can"] = {action: access.can(action) for action in PERMISSIONS}
    return data


def _member_row(membership) -> dict:
    user = membership.user
    row = {
        "user_id": user.pk,
        "display_name": user.display_name,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }
    if membership.profile_visible:
        profile = user.profile
        row["profile"] = {
            "headline": profile.headline,
            "sector": profile.sector,
            "organisation": profile.organisation,
            "city": profile.city,
            "country": profile.country,
            "languages": profile.languages,
            "open_to": [
                name
                for name, path in queries.OPEN_TO_FIELDS.items()
                if getattr(profile, path.removeprefix("profile__"))
            ],
            "skills": [{"name": s.skill.name, "level": s.level} for s in user.skills.all()],
        }
    return row


def _membership_in(community, user_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("community", "user"), community=community, user_id=user_id
    )


def _group_detail(group, access, viewer) -> dict:
    members = queries.group_members(group)
    if not access.is_member:
        members = members.filter(user__in=visible_people_for(viewer))
    return {
        "slug": group.slug,
        "name": group.name,
        "kind": group.kind,
        "description": group.description,
        "is_open": group.is_open,
        "member_count": group.memberships.count(),
        "my_role": access.group_role(group),
        "members": [
            {"user_id": gm.user_id, "display_name": gm.user.display_name, "role": gm.role}
            for gm in members
        ],
    }


# --- Communities -----------------------------------------------------------------


@router.get(
    "/communities",
    response={200: CommunityPage, **ERRORS},
    auth=optional_auth,
    summary="Communities I may see",
)
def list_communities(
    request,
    q: str = Query("", max_length=100),
    kind: Kind | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(30, ge=1, le=100),
):
    qs = queries.discover(request.user, q=q.strip(), kind=kind or "")
    qs = qs.annotate(my_role=_my_role(Membership, request.user, community="pk"))
    return paginate(qs, page, page_size)


@router.post("/communities", response={201: CommunityDetailOut, **ERRORS}, summary="Create")
def create_community(request, payload: CommunityCreate):
    fields = payload.changes()
    community = actions.do_create_community(request.user, slug=fields.pop("slug"), **fields)
    return Status(201, _community_detail(community, policy.access_for(request.user, community)))


@router.get(
    "/communities/{slug}",
    response={200: CommunityDetailOut, **ERRORS},
    auth=optional_auth,
    exclude_unset=True,
    summary="One community (public fields only for non-members of a private one)",
)
def get_community(request, slug: str):
    community, access = policy.get_community_for(request.user, slug)
    return _community_detail(community, access)


@router.patch(
    "/communities/{slug}",
    response={200: CommunityDetailOut, **ERRORS},
    exclude_unset=True,
    summary="Edit (moderators)",
)
def update_community(request, slug: str, payload: CommunityPatch):
    community, access = policy.get_community_for(request.user, slug, "edit")
    actions.do_update_community(request.user, community, **payload.changes())
    return _community_detail(community, access)


# --- Memberships -----------------------------------------------------------------


@router.get(
    "/communities/{slug}/members",
    response={200: MemberPage, **ERRORS},
    auth=optional_auth,
    summary="Members, filtered by skill, sector, language and what they are open to",
)
def list_members(request, slug: str, filters: Query[MemberFilters]):
    community, _access = policy.get_community_for(request.user, slug, "view_members")
    criteria = filters.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    qs = queries.member_directory(request.user, community, criteria)
    result = paginate(qs, filters.page, filters.page_size)
    result["items"] = [_member_row(m) for m in result["items"]]
    return result


@router.post("/communities/{slug}/join", response={201: MembershipOut, **ERRORS}, summary="Join")
def join_community(request, slug: str, payload: JoinIn | None = None):
    community, _access = policy.get_community_for(request.user, slug)
    accepted = payload.accept_code_of_conduct if payload else False
    membership = actions.do_join_community(request.user, community, accept_code_of_conduct=accepted)
    return Status(201, membership)


@router.post("/communities/{slug}/leave", response={204: None, **ERRORS}, summary="Leave")
def leave_community(request, slug: str):
    community, _access = policy.get_community_for(request.user, slug)
    actions.do_leave_community(request.user, community)
    return Status(204, None)


@router.patch(
    "/communities/{slug}/members/{int:user_id}",
    response={200: MembershipOut, **ERRORS},
    summary="Change a member's role",
)
def change_role(request, slug: str, user_id: int, payload: RoleIn):
    community, _access = policy.get_community_for(request.user, slug, "change_role")
    return actions.do_change_role(request.user, _membership_in(community, user_id), payload.role)


@router.delete(
    "/communities/{slug}/members/{int:user_id}",
    response={204: None, **ERRORS},
    summary="Remove a member",
)
def remove_member(request, slug: str, user_id: int):
    community, _access = policy.get_community_for(request.user, slug, "remove_member")
    actions.do_remove_member(request.user, _membership_in(community, user_id))
    return Status(204, None)


@router.post(
    "/communities/{slug}/transfer",
    response={200: MembershipOut, **ERRORS},
    summary="Transfer ownership to another member",
)
def transfer_ownership(request, slug: str, payload: TransferIn):
    community, _access = policy.get_community_for(request.user, slug, "transfer")
    # An unknown id is simply "not a member": the action says so, on the new_owner field.
    new_owner = User.objects.filter(pk=payload.new_owner).first() or User(pk=payload.new_owner)
    return actions.do_transfer_ownership(request.user, community, new_owner)


# --- Invitations -----------------------------------------------------------------


@router.get(
    "/communities/{slug}/invitations",
    response={200: list[InvitationOut], **ERRORS},
    summary="Invitations sent (moderators)",
)
def list_invitations(request, slug: str):
    community, _access = policy.get_community_for(request.user, slug, "invite")
    return community.invitations.select_related("community", "invited_by__profile")


@router.post(
    "/communities/{slug}/invitations",
    response={201: InvitationOut, **ERRORS},
    summary="Invite someone by e-mail (moderators)",
)
def create_invitation(request, slug: str, payload: InvitationIn):
    community, _access = policy.get_community_for(request.user, slug, "invite")
    invitation = actions.do_invite(request.user, community, email=payload.email, role=payload.role)
    return Status(201, invitation)


@router.delete(
    "/invitations/{int:invitation_id}",
    response={204: None, **ERRORS},
    summary="Withdraw an invitation (moderators)",
)
def revoke_invitation(request, invitation_id: int):
    invitation = get_object_or_404(Invitation.objects.select_related("community"), pk=invitation_id)
    policy.get_community_for(request.user, invitation.community.slug, "invite")
    actions.do_revoke_invitation(request.user, invitation)
    return Status(204, None)


@router.post(
    "/invitations/{token}/accept",
    response={201: MembershipOut, **ERRORS},
    summary="Accept an invitation sent to my e-mail address",
)
def accept_invitation(request, token: str, payload: JoinIn | None = None):
    accepted = payload.accept_code_of_conduct if payload else False
    membership = actions.do_accept_invitation(request.user, token, accept_code_of_conduct=accepted)
    return Status(201, membership)


# --- Join requests ---------------------------------------------------------------


@router.post(
    "/communities/{slug}/join-requests",
    response={201: JoinRequestOut, **ERRORS},
    summary="Ask to join a community that approves its members",
)
def request_to_join(request, slug: str, payload: JoinRequestIn | None = None):
    community, _access = policy.get_community_for(request.user, slug)
    message = payload.message if payload else ""
    return Status(201, actions.do_request_to_join(request.user, community, message=message))


@router.get(
    "/communities/{slug}/join-requests",
    response={200: list[JoinRequestOut], **ERRORS},
    summary="Requests waiting for a decision (moderators)",
)
def list_join_requests(request, slug: str):
    community, _access = policy.get_community_for(request.user, slug, "manage_requests")
    return queries.pending_requests(community).select_related("community")


def _decide(request, request_id: int, approve: bool):
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("community", "user__profile"), pk=request_id
    )
    policy.get_community_for(request.user, join_request.community.slug, "manage_requests")
    return actions.do_decide_join_request(request.user, join_request, approve=approve)


@router.post(
    "/join-requests/{int:request_id}/approve",
    response={200: JoinRequestOut, **ERRORS},
    summary="Approve a join request (moderators)",
)
def approve_join_request(request, request_id: int):
    return _decide(request, request_id, approve=True)


@router.post(
    "/join-requests/{int:request_id}/decline",
    response={200: JoinRequestOut, **ERRORS},
    summary="Decline a join request (moderators)",
)
def decline_join_request(request, request_id: int):
    return _decide(request, request_id, approve=False)


# --- Groups ----------------------------------------------------------------------


@router.get(
    "/communities/{slug}/groups",
    response={200: list[GroupOut], **ERRORS},
    auth=optional_auth,
    summary="Groups of a community",
)
def list_groups(request, slug: str):
    community, _access = policy.get_community_for(request.user, slug, "view_content")
    return queries.groups_of(community).annotate(
        my_role=_my_role(GroupMembership, request.user, group="pk")
    )


@router.post(
    "/communities/{slug}/groups",
    response={201: GroupDetailOut, **ERRORS},
    summary="Create a group (mentors, moderators, owners)",
)
def create_group(request, slug: str, payload: GroupIn):
    community, access = policy.get_community_for(request.user, slug, "create_group")
    group = actions.do_create_group(request.user, community, **payload.model_dump())
    return Status(201, _group_detail(group, access, request.user))


@router.get(
    "/communities/{slug}/groups/{group_slug}",
    response={200: GroupDetailOut, **ERRORS},
    auth=optional_auth,
    summary="One group and its members",
)
def get_group(request, slug: str, group_slug: str):
    group, access = policy.get_group_for(request.user, slug, group_slug)
    return _group_detail(group, access, request.user)


@router.post(
    "/communities/{slug}/groups/{group_slug}/join",
    response={201: GroupMembershipOut, **ERRORS},
    summary="Join an open group",
)
def join_group(request, slug: str, group_slug: str):
    group, _access = policy.get_group_for(request.user, slug, group_slug)
    return Status(201, actions.do_join_group(request.user, group))


@router.post(
    "/communities/{slug}/groups/{group_slug}/leave",
    response={204: None, **ERRORS},
    summary="Leave a group",
)
def leave_group(request, slug: str, group_slug: str):
    group, _access = policy.get_group_for(request.user, slug, group_slug)
    actions.do_leave_group(request.user, group)
    return Status(204, None)
