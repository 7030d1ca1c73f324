"""/api/v1/notifications: my notifications, mark read, and my preferences.

Only the caller's own notifications exist here (another person's is 404). Preferences
take every kind's channel; an unknown kind or channel is 400 and nothing is saved.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.models import Community, Membership
from koinon.lib.errors import ActionError
from koinon.lib.mail import absolute_url
from koinon.notifications import actions
from koinon.notifications.kinds import KINDS, sentence
from koinon.notifications.models import Channel, Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(..., description="The sentence, in the caller's language.")
    url: str | None
    community: str | None = Field(None, description="The community's slug.")
    actor: str | None = Field(None, description="Null when the author wrote anonymously.")
    read: bool
    read_at: datetime | None
    created_at: datetime


class NotificationPage(PageOut):
    unread: int
    items: list[NotificationOut]


class NotificationFilters(Schema):
    unread: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class MarkedOut(Schema):
    marked: int


class KindOut(Schema):
    kind: str
    label: str
    default: str


class PreferencesOut(Schema):
    kinds: dict[str, str] = Field(..., description="Each kind's channel.")
    daily_digest: bool
    weekly_digest: bool
    muted_communities: list[str] = Field(..., description="Slugs of muted communities.")
    available: list[KindOut]
    channels: list[str]


class PreferencesIn(Input):
    kinds: dict[str, str] = Field(default_factory=dict)
    daily_digest: bool | None = None
    weekly_digest: bool | None = None
    muted_communities: list[str] | None = None


def _out(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": sentence(n),
        "url": absolute_url(n.url) if n.url else None,
        "community": n.community.slug if n.community_id else None,
        "actor": n.actor_name or None,
        "read": n.read_at is not None,
        "read_at": n.read_at,
        "created_at": n.created_at,
    }


@router.get(
    "/notifications", response={200: NotificationPage, **ERRORS}, summary="My notifications"
)
def list_notifications(request, filters: Query[NotificationFilters]):
    """Newest first; `unread=true` for the unread ones only."""
    qs = Notification.objects.filter(recipient=request.user).select_related("community")
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(qs, filters.page, filters.page_size)
    page["items"] = [_out(n) for n in page["items"]]
    page["unread"] = actions.unread_count(request.user)
    return page


@router.post(
    "/notifications/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all read"
)
def read_all(request):
    return {"marked": actions.do_mark_all_read(request.user)}


@router.post(
    "/notifications/{int:pk}/read", response={200: NotificationOut, **ERRORS}, summary="Mark read"
)
def read_one(request, pk: int):
    actions.do_mark_read(request.user, pk)
    return _out(Notification.objects.select_related("community").get(pk=pk))


def _preferences(user) -> dict:
    subscription = actions.digest_subscription(user)
    muted = Community.objects.filter(pk__in=actions.muted_community_ids(user))
    return {
        "kinds": actions.preferences_for(user),
        "daily_digest": subscription.daily,
        "weekly_digest": subscription.weekly,
        "muted_communities": sorted(muted.values_list("slug", flat=True)),
        "available": [{"kind": k.key, "label": str(k.label), "default": k.default} for k in KINDS],
        "channels": list(Channel.values),
    }


@router.get(
    "/notifications/preferences", response={200: PreferencesOut, **ERRORS}, summary="Preferences"
)
def get_preferences(request):
    return _preferences(request.user)


@router.put(
    "/notifications/preferences",
    response={200: PreferencesOut, **ERRORS},
    summary="Change preferences",
)
@transaction.atomic
def put_preferences(request, payload: PreferencesIn):
    """Send only what changes: kinds not named keep their channel."""
    user = request.user
    for kind, channel in payload.kinds.items():
        try:
            actions.check_channel(kind, channel)
        except ActionError as error:
            error.field = f"kinds.{kind}"
            raise
    muted_ids = None
    if payload.muted_communities is not None:
        mine = dict(
            Membership.objects.filter(user=user).values_list("community__slug", "community_id")
        )
        unknown = [slug for slug in payload.muted_communities if slug not in mine]
        if unknown:
            raise ActionError(
                _("You are not a member of: %(slugs)s") % {"slugs": ", ".join(unknown)},
                code="not_a_member",
                field="muted_communities",
            )
        muted_ids = ([mine[s] for s in payload.muted_communities], list(mine.values()))
    actions.do_set_preferences(user, payload.kinds)
    if payload.daily_digest is not None or payload.weekly_digest is not None:
        actions.do_set_digests(user, daily=payload.daily_digest, weekly=payload.weekly_digest)
    if muted_ids is not None:
        actions.do_set_muted_communities(user, *muted_ids)
    return _preferences(user)
