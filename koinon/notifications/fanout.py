"""Turning one activity entry into notifications, and the immediate e-mails they ask for.

Runs as a background task after the entry's transaction commits. Idempotent: the
unique (recipient, entry, kind) constraint makes a second run create nothing, and an
e-mail is sent only by whoever stamps `emailed_at` first.
"""

import logging

from django.db.models import Q
from django.utils import timezone

from koinon.communities.models import Membership, Visibility
from koinon.core.models import ActivityEntry
from koinon.lib import person_counts
from koinon.notifications.actions import UNREAD
from koinon.notifications.kinds import KINDS_BY_VERB, subject_and_url
from koinon.notifications.models import Channel, CommunityMute, Notification, Preference

logger = logging.getLogger(__name__)


def readers_of(community, user_ids) -> set[int]:
    """Those of `user_ids` who may read `community`'s content now.

    The same rule as the communities policy's `view_content` (public, or a member),
    asked once for the whole list instead of one `access_for` per person.
    """
    user_ids = set(user_ids)
    if community is None or not user_ids:
        return user_ids
    if community.visibility == Visibility.PUBLIC:
        return user_ids
    return set(
        Membership.objects.filter(community=community, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )


def channels_for(kind, user_ids) -> dict[int, str]:
    """Each person's channel for `kind`: their preference, else the kind's default."""
    chosen = dict(
        Preference.objects.filter(kind=kind.key, user_id__in=user_ids).values_list(
            "user_id", "channel"
        )
    )
    return {uid: chosen.get(uid, kind.default) for uid in user_ids}


def _actor_name(entry) -> str:
    if entry.actor_id is None or entry.data.get("anonymous"):
        return ""
    return entry.actor.display_name


def fan_out(entry_id: int) -> int:
    """Create the notifications for one entry; return how many rows it asked for."""
    from koinon.accounts.models import User

    entry = (
        ActivityEntry.objects.select_related("community", "actor__profile")
        .filter(pk=entry_id)
        .first()
    )
    kinds = KINDS_BY_VERB.get(entry.verb, []) if entry else []
    if not kinds:
        return 0
    target = entry.target
    subject, url = subject_and_url(entry, target)
    muted = set()
    if entry.community_id:
        muted = set(
            CommunityMute.objects.filter(community_id=entry.community_id).values_list(
                "user_id", flat=True
            )
        )
    rows, emails = [], []
    for kind in kinds:
        if entry.is_private and not kind.explicit:
            continue
        ids = {i for i in kind.recipients(entry, target) if i is not None}
        ids.discard(entry.actor_id)
        if kind.mutable:
            ids -= muted
        if not ids:
            continue
        ids = set(
            User.objects.filter(pk__in=ids, is_active=True, erased_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if kind.needs_content_access:
            ids = readers_of(entry.community, ids)
        for uid, channel in channels_for(kind, ids).items():
            if channel == Channel.OFF:
                continue
            rows.append(
                Notification(
                    recipient_id=uid,
                    kind=kind.key,
                    verb=entry.verb,
                    entry=entry,
                    community_id=entry.community_id,
                    actor_name=_actor_name(entry)[:120],
                    subject=subject[:300],
                    url=url[:500],
                    created_at=entry.created_at,
                )
            )
            if channel == Channel.EMAIL and not kind.source_mails:
                emails.append((uid, kind.key))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    person_counts.forget(UNREAD, [row.recipient_id for row in rows])
    for uid, key in emails:
        send_now(entry.pk, uid, key)
    return len(rows)


def send_now(entry_id: int, user_id: int, kind: str) -> bool:
    """Mail one notification at once, unless somebody already did (a conditional stamp)."""
    from koinon.notifications.mail import send_notification_mail

    stamped = Notification.objects.filter(
        Q(emailed_at__isnull=True), entry_id=entry_id, recipient_id=user_id, kind=kind
    ).update(emailed_at=timezone.now())
    if not stamped:
        return False
    notification = Notification.objects.select_related("recipient", "community").get(
        entry_id=entry_id, recipient_id=user_id, kind=kind
    )
    send_notification_mail(notification)
    return True
