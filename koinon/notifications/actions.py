"""Reading and settings: mark read, preferences per kind, muted communities, unsubscribe."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koinon.lib import person_counts
from koinon.lib.errors import ActionError
from koinon.notifications.kinds import KINDS, get_kind
from koinon.notifications.mail import DIGESTS
from koinon.notifications.models import (
    Channel,
    CommunityMute,
    DigestSubscription,
    Notification,
    Preference,
)

UNREAD = "unread-notifications"


def unread_count(user) -> int:
    def count():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return person_counts.kept(UNREAD, user.pk, count)


def do_mark_read(actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; someone else's is 404."""
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        person_counts.forget(UNREAD, [actor.pk])
    return notification


def do_mark_all_read(actor) -> int:
    marked = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    person_counts.forget(UNREAD, [actor.pk])
    return marked


def preferences_for(user) -> dict[str, str]:
    """Every kind's channel for `user`, defaults filled in (one query)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.key: chosen.get(kind.key, kind.default) for kind in KINDS}


def check_channel(kind_key, channel):
    if get_kind(kind_key) is None:
        raise ActionError(
            _("Unknown notification kind: %(kind)s") % {"kind": kind_key},
            code="unknown_kind",
            field=str(kind_key),
        )
    if channel not in Channel.values:
        raise ActionError(
            _("Choose one of: %(choices)s") % {"choices": ", ".join(Channel.values)},
            code="invalid_channel",
            field=str(kind_key),
        )


@transaction.atomic
def do_set_preferences(actor, choices: dict) -> dict[str, str]:
    """Set each kind's channel in `choices`; an unknown kind or channel → 400, nothing saved."""
    for kind_key, channel in choices.items():
        check_channel(kind_key, channel)
    for kind_key, channel in choices.items():
        if channel == get_kind(kind_key).default:
            Preference.objects.filter(user=actor, kind=kind_key).delete()
        else:
            Preference.objects.update_or_create(
                user=actor, kind=kind_key, defaults={"channel": channel}
            )
    return preferences_for(actor)


def digest_subscription(user) -> DigestSubscription:
    found = DigestSubscription.objects.filter(user=user).first()
    return found or DigestSubscription(user=user)


@transaction.atomic
def do_set_digests(actor, *, daily: bool | None = None, weekly: bool | None = None):
    subscription, _created = DigestSubscription.objects.get_or_create(user=actor)
    if daily is not None:
        subscription.daily = bool(daily)
    if weekly is not None:
        subscription.weekly = bool(weekly)
    subscription.save()
    return subscription


def muted_community_ids(user) -> set[int]:
    return set(CommunityMute.objects.filter(user=user).values_list("community_id", flat=True))


@transaction.atomic
def do_set_muted_communities(actor, community_ids, allowed_ids) -> set[int]:
    """Mute exactly `community_ids` among `allowed_ids` (the actor's communities)."""
    wanted = set(community_ids) & set(allowed_ids)
    CommunityMute.objects.filter(user=actor).exclude(community_id__in=wanted).delete()
    existing = muted_community_ids(actor)
    CommunityMute.objects.bulk_create(
        [CommunityMute(user=actor, community_id=cid) for cid in wanted - existing],
        ignore_conflicts=True,
    )
    return wanted


@transaction.atomic
def do_unsubscribe(user, scope: str) -> str:
    """Stop the e-mails of one kind (it stays in the app), or every digest."""
    if scope == DIGESTS:
        DigestSubscription.objects.filter(user=user).update(daily=False, weekly=False)
        Preference.objects.filter(user=user, channel__in=[Channel.DAILY, Channel.WEEKLY]).update(
            channel=Channel.IN_APP
        )
        return scope
    kind = get_kind(scope)
    if kind is None:
        raise ActionError(_("This link is not valid."), code="invalid_link")
    Preference.objects.update_or_create(
        user=user, kind=kind.key, defaults={"channel": Channel.IN_APP}
    )
    return scope
