"""Every write on communities, memberships, invitations, join requests and groups."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.communities import policy
from koinon.communities.models import (
    ROLE_RANK,
    Community,
    Group,
    GroupMembership,
    GroupRole,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url, send_templated_mail
from koinon.lib.markdown import render_markdown

EDITABLE_FIELDS = (
    "name",
    "kind",
    "formality",
    "domain",
    "purpose",
    "values",
    "goals",
    "code_of_conduct",
    "languages",
    "cadence",
    "cover",
    "visibility",
    "join_policy",
    "allow_anonymous",
)


def _require(access, action, message=None):
    if not access.can(action):
        raise Forbidden(message or _("You are not allowed to do this in this community."))


def _slug_taken(slug: str) -> Conflict:
    return Conflict(
        _("The address “%(slug)s” is already taken.") % {"slug": slug},
        field="slug",
        code="slug_taken",
    )


def _validate(community: Community):
    """Model validation (choices, lengths, required fields) as an ActionError on its field."""
    try:
        community.full_clean(exclude=["cover", "slug", "created_by"], validate_unique=False)
    except ValidationError as exc:
        name, errors = next(iter(exc.message_dict.items()))
        raise ActionError(errors[0], field=None if name == "__all__" else name) from exc


@transaction.atomic
def do_create_community(actor, *, slug: str, **fields) -> Community:
    """A new community, with its creator as owner."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if Community.objects.filter(slug=slug).exists():
        raise _slug_taken(slug)
    community = Community(slug=slug, created_by=actor, **fields)
    _validate(community)
    community.code_of_conduct_html = render_markdown(community.code_of_conduct)
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError as exc:
        raise _slug_taken(slug) from exc
    Membership.objects.create(
        community=community, user=actor, role=Role.OWNER, code_of_conduct_accepted_at=timezone.now()
    )
    log_activity(actor, "community.created", community=community, target=community)
    return community


@transaction.atomic
def do_update_community(actor, community: Community, **fields) -> Community:
    _require(policy.access_for(actor, community), "edit")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = [name for name, value in fields.items() if getattr(community, name) != value]
    for name in changed:
        setattr(community, name, fields[name])
    _validate(community)
    if "code_of_conduct" in changed:
        community.code_of_conduct_html = render_markdown(community.code_of_conduct)
        changed.append("code_of_conduct_html")
    if changed:
        community.save(update_fields=[*changed, "updated_at"])
        log_activity(
            actor,
            "community.edited",
            community=community,
            target=community,
            fields=sorted(set(changed) - {"code_of_conduct_html"}),
        )
    return community


def _add_member(user, community, role=Role.MEMBER, accepted_code=True) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(
                community=community,
                user=user,
                role=role,
                code_of_conduct_accepted_at=timezone.now() if accepted_code else None,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("You are already a member of this community."), code="already_member"
        ) from exc


def _check_code_of_conduct(community, accepted: bool):
    if community.code_of_conduct and not accepted:
        raise ActionError(
            _("Please accept the code of conduct to join."),
            field="accept_code_of_conduct",
            code="code_of_conduct",
        )


@transaction.atomic
def do_join_community(actor, community: Community, *, accept_code_of_conduct=False) -> Membership:
    access = policy.access_for(actor, community)
    if access.is_member:
        raise Conflict(_("You are already a member of this community."), code="already_member")
    _require(access, "join", _("This community cannot be joined directly."))
    _check_code_of_conduct(community, accept_code_of_conduct)
    membership = _add_member(actor, community)
    log_activity(actor, "community.joined", community=community, target=membership)
    return membership


@transaction.atomic
def do_request_to_join(actor, community: Community, *, message: str = "") -> JoinRequest:
    access = policy.access_for(actor, community)
    if access.is_member:
        raise Conflict(_("You are already a member of this community."), code="already_member")
    if access.has_pending_request:
        raise Conflict(
            _("Your request is already waiting for the moderators."), code="request_pending"
        )
    _require(access, "request_join", _("This community does not take join requests."))
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                community=community, user=actor, message=message
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Your request is already waiting for the moderators."), code="request_pending"
        ) from exc
    log_activity(actor, "community.join_requested", community=community, target=join_request)
    return join_request


@transaction.atomic
def do_decide_join_request(actor, join_request: JoinRequest, *, approve: bool) -> JoinRequest:
    community = join_request.community
    _require(policy.access_for(actor, community), "manage_requests")
    updated = JoinRequest.objects.filter(pk=join_request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.DECLINED,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if not updated:
        raise Conflict(_("This request has already been decided."), code="already_decided")
    join_request.refresh_from_db()
    if (
        approve
        and not Membership.objects.filter(community=community, user=join_request.user).exists()
    ):
        _add_member(join_request.user, community, accepted_code=False)
    verb = "community.join_approved" if approve else "community.join_declined"
    log_activity(
        actor, verb, community=community, target=join_request, user_id=join_request.user_id
    )
    return join_request


@transaction.atomic
def do_invite(actor, community: Community, *, email: str, role: str = Role.MEMBER) -> Invitation:
    access = policy.access_for(actor, community)
    _require(access, "invite")
    if role not in Role.values:
        raise ActionError(_("Unknown role."), field="role", code="unknown_role")
    if ROLE_RANK[role] > access.rank or role == Role.OWNER:
        raise Forbidden(_("You cannot invite someone with a role above your own."), field="role")
    email = email.strip().lower()
    if Membership.objects.filter(community=community, user__email__iexact=email).exists():
        raise Conflict(
            _("%(email)s is already a member.") % {"email": email},
            field="email",
            code="already_member",
        )
    invitation = Invitation.objects.create(
        community=community, email=email, role=role, invited_by=actor
    )
    log_activity(actor, "community.invited", community=community, target=invitation, role=role)
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def _send_invitation(invitation: Invitation):
    from koinon.accounts.models import User

    invitee = User.objects.filter(email__iexact=invitation.email).first()
    language = (invitee.language if invitee else "") or invitation.invited_by.language or None
    send_templated_mail(
        invitation.email,
        "communities/email/invitation",
        {
            "invitation": invitation,
            "community": invitation.community,
            "inviter": invitation.invited_by,
            "url": absolute_url(invitation.get_absolute_url()),
        },
        language=language,
    )


def check_invitation(invitation: Invitation, user=None):
    """Raise a clear error if the invitation can no longer be used."""
    if invitation.revoked_at:
        raise ActionError(
            _("This invitation has been withdrawn."), code="invitation_revoked", status=410
        )
    if invitation.accepted_at:
        raise ActionError(
            _("This invitation has already been used."), code="invitation_used", status=410
        )
    if invitation.is_expired:
        raise ActionError(
            _("This invitation has expired. Ask for a new one."),
            code="invitation_expired",
            status=410,
        )
    if user is not None and user.email.lower() != invitation.email.lower():
        raise Forbidden(
            _("This invitation was sent to another e-mail address."), code="invitation_other_email"
        )


@transaction.atomic
def do_accept_invitation(actor, token: str, *, accept_code_of_conduct=False) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("community")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise ActionError(
            _("This invitation does not exist."), code="invitation_unknown", status=404
        )
    check_invitation(invitation, actor)
    community = invitation.community
    _check_code_of_conduct(community, accept_code_of_conduct)
    membership = _add_member(actor, community, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(
        community=community, user=actor, status=RequestStatus.PENDING
    ).delete()
    log_activity(
        actor,
        "community.invitation_accepted",
        community=community,
        target=membership,
        invitation_id=invitation.pk,
    )
    return membership


@transaction.atomic
def do_revoke_invitation(actor, invitation: Invitation) -> Invitation:
    _require(policy.access_for(actor, invitation.community), "invite")
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db()
    log_activity(
        actor, "community.invitation_revoked", community=invitation.community, target=invitation
    )
    return invitation


def _owner_count(community) -> int:
    return Membership.objects.filter(community=community, role=Role.OWNER).count()


@transaction.atomic
def do_leave_community(actor, community: Community) -> None:
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=actor).first()
    )
    if membership is None:
        raise ActionError(_("You are not a member of this community."), code="not_member")
    if membership.role == Role.OWNER and _owner_count(community) == 1:
        raise Conflict(
            _("You are the last owner: transfer ownership before leaving."), code="last_owner"
        )
    GroupMembership.objects.filter(group__community=community, user=actor).delete()
    membership.delete()
    log_activity(actor, "community.left", community=community)


@transaction.atomic
def do_change_role(actor, membership: Membership, role: str) -> Membership:
    """Moderators manage roles below theirs; only owners make owners or moderators."""
    if role not in Role.values:
        raise ActionError(_("Unknown role."), field="role", code="unknown_role")
    community = membership.community
    access = policy.access_for(actor, community)
    _require(access, "change_role", _("Only moderators and owners can change roles."))
    if not access.is_owner and (membership.rank >= access.rank or ROLE_RANK[role] >= access.rank):
        raise Forbidden(_("You can only change roles below your own."), field="role")
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(community) == 1:
        raise Conflict(_("A community needs at least one owner."), code="last_owner")
    old = membership.role
    if old != role:
        membership.role = role
        membership.save(update_fields=["role"])
        log_activity(
            actor,
            "community.role_changed",
            community=community,
            target=membership,
            user_id=membership.user_id,
            old=old,
            new=role,
        )
    return membership


@transaction.atomic
def do_remove_member(actor, membership: Membership) -> None:
    community = membership.community
    access = policy.access_for(actor, community)
    _require(access, "remove_member")
    if membership.user_id == actor.pk:
        raise ActionError(_("To leave the community, use “Leave”."), code="self")
    if membership.rank >= access.rank:
        raise Forbidden(_("You can only remove members below your own role."))
    GroupMembership.objects.filter(group__community=community, user=membership.user).delete()
    membership.delete()
    log_activity(actor, "community.member_removed", community=community, user_id=membership.user_id)


@transaction.atomic
def do_transfer_ownership(actor, community: Community, new_owner) -> Membership:
    """The new owner must be a member; the old owner stays on as a moderator."""
    _require(
        policy.access_for(actor, community), "transfer", _("Only an owner can transfer ownership.")
    )
    target = Membership.objects.filter(community=community, user=new_owner).first()
    if target is None:
        raise ActionError(
            _("The new owner must be a member of the community."),
            field="new_owner",
            code="not_member",
        )
    if target.user_id == actor.pk:
        raise ActionError(_("You already own this community."), field="new_owner", code="self")
    Membership.objects.filter(pk=target.pk).update(role=Role.OWNER)
    Membership.objects.filter(community=community, user=actor).update(role=Role.MODERATOR)
    target.refresh_from_db()
    log_activity(
        actor,
        "community.ownership_transferred",
        community=community,
        target=target,
        user_id=new_owner.pk,
    )
    return target


# --- Groups ---------------------------------------------------------------------


@transaction.atomic
def do_create_group(
    actor,
    community: Community,
    *,
    name: str,
    slug: str,
    kind: str,
    description: str = "",
    is_open: bool = True,
) -> Group:
    _require(
        policy.access_for(actor, community),
        "create_group",
        _("Only mentors, moderators and owners can create groups."),
    )
    if Group.objects.filter(community=community, slug=slug).exists():
        raise Conflict(
            _("A group with this address already exists."), field="slug", code="slug_taken"
        )
    group = Group.objects.create(
        community=community,
        name=name,
        slug=slug,
        kind=kind,
        description=description,
        is_open=is_open,
        created_by=actor,
    )
    GroupMembership.objects.create(group=group, user=actor, role=GroupRole.LEADER)
    log_activity(actor, "group.created", community=community, target=group)
    return group


def _add_to_group(group, user, role=GroupRole.MEMBER) -> GroupMembership:
    try:
        with transaction.atomic():
            return GroupMembership.objects.create(group=group, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(_("Already a member of this group."), code="already_member") from exc


@transaction.atomic
def do_join_group(actor, group: Group) -> GroupMembership:
    access = policy.access_for(actor, group.community)
    if access.group_role(group):
        raise Conflict(_("Already a member of this group."), code="already_member")
    if not access.can("join_group", group):
        raise Forbidden(_("This group is closed: ask one of its leaders to add you."))
    gm = _add_to_group(group, actor)
    log_activity(actor, "group.joined", community=group.community, target=group)
    return gm


@transaction.atomic
def do_add_to_group(actor, group: Group, user) -> GroupMembership:
    if not Membership.objects.filter(community=group.community, user=user).exists():
        raise ActionError(
            _("Only members of the community can join its groups."), code="not_member"
        )
    access = policy.access_for(actor, group.community)
    if not access.can("add_to_group", group):
        raise Forbidden(_("Only the group's leaders and moderators can add people."))
    gm = _add_to_group(group, user)
    log_activity(
        actor, "group.member_added", community=group.community, target=group, user_id=user.pk
    )
    return gm


@transaction.atomic
def do_leave_group(actor, group: Group) -> None:
    deleted, _rows = GroupMembership.objects.filter(group=group, user=actor).delete()
    if not deleted:
        raise ActionError(_("You are not a member of this group."), code="not_member")
    log_activity(actor, "group.left", community=group.community, target=group)
