"""Who may see and do what with communities, groups and memberships.

Every view, API endpoint and action asks here. Lists come from the
`visible_*_for` querysets so pages, search and the API cannot disagree.
Things a person may not see answer 404, exactly like things that do not exist.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from koinon.communities.models import (
    ROLE_RANK,
    Community,
    Group,
    GroupMembership,
    GroupRole,
    JoinPolicy,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
    Visibility,
)
from koinon.lib import page_cache

MODERATOR_RANK = ROLE_RANK[Role.MODERATOR]
MENTOR_RANK = ROLE_RANK[Role.MENTOR]


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@dataclass
class Access:
    """What one person may do in one community, from a single membership lookup."""

    user: object
    community: Community
    membership: Membership | None
    _group_roles: dict = field(default_factory=dict)
    _pending: bool | None = None
    # The reader's id (None for a visitor), read once: `user` is often the request's
    # lazy user, on which every attribute read goes through a proxy.
    user_id: int | None = field(init=False, default=None)

    def __post_init__(self):
        if self.user is not None and self.user.is_authenticated:
            self.user_id = self.user.pk

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def blocked(self) -> bool:
        """Blocked by the moderators (koinon.moderation): may still read, may not write."""
        return bool(getattr(self.membership, "is_blocked", False))

    @property
    def belongs(self) -> bool:
        """A membership, blocked or not: what reading private content needs."""
        return self.membership is not None

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.membership.role] if self.membership and not self.blocked else 0

    @property
    def is_member(self) -> bool:
        """A member who may take part; a blocked member is not (every write rule asks this)."""
        return self.membership is not None and not self.blocked

    @property
    def is_moderator(self) -> bool:
        return self.rank >= MODERATOR_RANK

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    def can(self, action: str, obj=None) -> bool:
        rule = COMMUNITY_RULES.get(action) or GROUP_RULES.get(action)
        if rule is None:
            raise ValueError(f"Unknown community action {action!r}")
        return rule(self, obj)

    @property
    def has_pending_request(self) -> bool:
        """Whether this non-member already waits for the moderators (one lazy query)."""
        if self.is_member or not _authenticated(self.user):
            return False
        if self._pending is None:
            self._pending = JoinRequest.objects.filter(
                community=self.community, user=self.user, status=RequestStatus.PENDING
            ).exists()
        return self._pending

    # Template-friendly shortcuts: {% if access.can_edit %}
    def __getattr__(self, name):
        if name.startswith("can_"):
            return self.can(name[4:])
        raise AttributeError(name)

    def group_role(self, group: Group) -> str | None:
        if not _authenticated(self.user) or self.blocked:
            return None
        if group.pk not in self._group_roles:
            self._group_roles[group.pk] = (
                GroupMembership.objects.filter(group=group, user=self.user)
                .values_list("role", flat=True)
                .first()
            )
        return self._group_roles[group.pk]


def access_for(user, community: Community) -> Access:
    membership = _membership(user, community) if _authenticated(user) else None
    return Access(user, community, membership)


def access_to_read(user, community: Community) -> Access:
    """`access_for` a page that only reads: the membership is kept with the community's
    pages (koinon.lib.page_cache) until the community changes. Every change of a
    membership or a block changes it (koinon.core.signals); actions use `access_for`."""
    if not _authenticated(user):
        return Access(user, community, None)
    membership = page_cache.remembered(
        community.slug, f"membership:{user.pk}", lambda: _membership(user, community)
    )
    return Access(user, community, membership)


def _membership(user, community: Community) -> Membership | None:
    return (
        Membership.objects.filter(community=community, user=user)
        .annotate(is_blocked=_blocked())
        .first()
    )


def _blocked():
    """Whether the membership's person is blocked now (in the same query as the membership)."""
    from koinon.moderation.models import Block

    blocks = Block.objects.active().filter(community=OuterRef("community"), user=OuterRef("user"))
    return Exists(blocks)


# --- Rules: each takes the Access and an optional object ------------------------


def _view(a: Access, obj=None) -> bool:
    return a.community.visibility != Visibility.SECRET or a.belongs


def _view_content(a: Access, obj=None) -> bool:
    return a.community.visibility == Visibility.PUBLIC or a.belongs


def _join(a: Access, obj=None) -> bool:
    return (
        _authenticated(a.user)
        and not a.belongs
        and _view(a)
        and a.community.join_policy == JoinPolicy.OPEN
    )


def _request_join(a: Access, obj=None) -> bool:
    return (
        _authenticated(a.user)
        and not a.belongs
        and _view(a)
        and a.community.join_policy == JoinPolicy.REQUEST
        and not a.has_pending_request
    )


def _moderate(a: Access, obj=None) -> bool:
    return a.is_moderator


def _leave(a: Access, obj=None) -> bool:
    return a.belongs


def _owner(a: Access, obj=None) -> bool:
    return a.is_owner


def _create_group(a: Access, obj=None) -> bool:
    return a.rank >= MENTOR_RANK


def _view_members(a: Access, obj=None) -> bool:
    return _view_content(a)


COMMUNITY_RULES = {
    "view": _view,
    "view_content": _view_content,
    "view_members": _view_members,
    "join": _join,
    "request_join": _request_join,
    "edit": _moderate,
    "invite": _moderate,
    "manage_requests": _moderate,
    "change_role": _moderate,
    "remove_member": _moderate,
    "leave": _leave,
    "transfer": _owner,
    "delete": _owner,
    "create_group": _create_group,
}


def _view_group(a: Access, group: Group) -> bool:
    return _view_content(a)


def _join_group(a: Access, group: Group) -> bool:
    return a.is_member and group.is_open and a.group_role(group) is None


def _leave_group(a: Access, group: Group) -> bool:
    return a.group_role(group) is not None


def _manage_group(a: Access, group: Group) -> bool:
    return a.is_moderator or a.group_role(group) == GroupRole.LEADER


def _add_to_group(a: Access, group: Group) -> bool:
    return _manage_group(a, group)


GROUP_RULES = {
    "view_group": _view_group,
    "join_group": _join_group,
    "leave_group": _leave_group,
    "manage_group": _manage_group,
    "add_to_group": _add_to_group,
}


def can(user, action: str, obj) -> bool:
    """The one question: may `user` do `action` on `obj`?"""
    if isinstance(obj, Community):
        return access_for(user, obj).can(action)
    if isinstance(obj, Group):
        return access_for(user, obj.community).can(action, obj)
    raise TypeError(f"No community policy for {type(obj).__name__}")


# --- Querysets of what a person may see ----------------------------------------


def visible_communities_for(user):
    """Public and private communities for everyone; secret ones for their members."""
    qs = Community.objects.all()
    if not _authenticated(user):
        return qs.exclude(visibility=Visibility.SECRET)
    is_member = Membership.objects.filter(community=OuterRef("pk"), user=user)
    return qs.filter(~Q(visibility=Visibility.SECRET) | Q(Exists(is_member)))


def content_communities_for(user):
    """Communities whose content (topics, members, events…) `user` may read."""
    qs = Community.objects.filter(visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return qs
    return Community.objects.filter(
        Q(visibility=Visibility.PUBLIC) | Q(memberships__user=user)
    ).distinct()


def member_community_ids(user) -> list[int]:
    return list(member_communities_subquery(user).values_list("community_id", flat=True))


def member_communities_subquery(user):
    """The ids of `user`'s communities, as a query to put inside another (`pk__in`)."""
    if not _authenticated(user):
        return Membership.objects.none().values("community_id")
    return Membership.objects.filter(user=user).values("community_id")


# --- Fetch and authorise in one call --------------------------------------------


def get_community_for(user, slug: str, action: str = "view") -> tuple[Community, Access]:
    """The community and the person's access; 404 if unseen, 403 if seen but not allowed."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    access = access_for(user, community)
    if not access.can("view"):
        raise Http404
    if not access.can(action):
        raise PermissionDenied
    return community, access


def get_community_to_read(user, slug: str) -> tuple[Community, Access]:
    """`get_community_for` a page that only reads: the community and the membership are
    kept until the community changes (`access_to_read`)."""
    community = page_cache.remembered(slug, "community", Community.objects.filter(slug=slug).first)
    if community is None:
        raise Http404
    access = access_to_read(user, community)
    if not access.can("view"):
        raise Http404
    return community, access


def get_group_for(user, slug: str, group_slug: str, action: str = "view_group"):
    community, access = get_community_for(user, slug)
    group = Group.objects.filter(community=community, slug=group_slug).first()
    if group is None or not access.can("view_group", group):
        raise Http404
    if not access.can(action, group):
        raise PermissionDenied
    return group, access
