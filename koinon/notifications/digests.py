"""Daily and weekly digests, sent once per person and period.

Each person's delivery row is claimed (unique user, period, period_start) BEFORE the
e-mail is built and sent: a second run, or a rerun after a crash, skips everyone
already claimed. A crash between claiming and sending loses that one digest rather
than ever sending it twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from koinon.communities.models import Membership
from koinon.core.models import ActivityEntry
from koinon.lib.mail import absolute_url
from koinon.notifications.kinds import KINDS, sentence
from koinon.notifications.models import (
    Channel,
    CommunityMute,
    DigestDelivery,
    DigestSubscription,
    Notification,
    Period,
    Preference,
)

logger = logging.getLogger(__name__)

# Community news worth a line in a digest: verb → the model of its target.
NEWS_VERBS = (
    "topic.created",
    "event.created",
    "event.series_created",
    "practice.created",
    "resource.added",
    "lesson.created",
)
NEWS_PER_COMMUNITY = 10
QUESTIONS = 5
EVENTS = 5


def period_bounds(period: str, today: date | None = None) -> tuple[date, datetime, datetime]:
    """The last complete period before `today`: (start date, start, end) in local time."""
    if period not in Period.values:
        raise ValueError(f"Unknown period {period!r}")
    today = today or timezone.localdate()
    if period == Period.DAILY:
        start = today - timedelta(days=1)
        length = timedelta(days=1)
    else:
        start = today - timedelta(days=today.weekday() + 7)
        length = timedelta(days=7)
    begins = timezone.make_aware(datetime.combine(start, time.min))
    return start, begins, begins + length


def recipients(period: str):
    """People who chose this digest: the community digest, or a kind sent in it."""
    from koinon.accounts.models import User

    chose = Q(pk__in=DigestSubscription.objects.filter(**{period: True}).values("user_id")) | Q(
        pk__in=Preference.objects.filter(channel=period).values("user_id")
    )
    return User.objects.filter(chose, is_active=True, erased_at__isnull=True).order_by("pk")


@dataclass
class Digest:
    notifications: list = field(default_factory=list)
    news: list = field(default_factory=list)  # [(community, [(title, url)])]
    questions: list = field(default_factory=list)  # [(title, url, community name)]
    events: list = field(default_factory=list)  # [(title, url, starts_at, community name)]

    @property
    def lines(self) -> int:
        return (
            len(self.notifications)
            + sum(len(items) for _c, items in self.news)
            + len(self.questions)
            + len(self.events)
        )


def _targets(entries):
    """{(content type id, id): object} for the entries' targets, one query per type."""
    by_type: dict[int, set] = {}
    for entry in entries:
        if entry.target_type_id:
            by_type.setdefault(entry.target_type_id, set()).add(entry.target_id)
    found = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        qs = model._default_manager.filter(pk__in=ids)
        if hasattr(model, "community"):
            qs = qs.select_related("community")
        for obj in qs:
            found[(type_id, obj.pk)] = obj
    return found


def build_digest(user, period: str, begins, ends, *, now=None) -> Digest:
    """What `user` should read about in this period; only what they may see now."""
    now = now or timezone.now()
    digest = Digest()
    channels = {k.key: k.default for k in KINDS}
    channels.update(dict(Preference.objects.filter(user=user).values_list("kind", "channel")))
    kinds = [key for key, channel in channels.items() if channel == period]
    if kinds:
        for n in Notification.objects.filter(
            recipient=user, kind__in=kinds, created_at__gte=begins, created_at__lt=ends
        ).order_by("created_at")[:50]:
            n.recipient = user
            digest.notifications.append((sentence(n), absolute_url(n.url) if n.url else ""))

    subscription = DigestSubscription.objects.filter(user=user).first()
    if not (subscription and getattr(subscription, period)):
        return digest

    # Their communities (being a member is what lets them read the content), minus muted.
    muted = CommunityMute.objects.filter(user=user).values("community_id")
    communities = {
        m.community_id: m.community
        for m in Membership.objects.filter(user=user)
        .exclude(community_id__in=muted)
        .select_related("community")
    }
    if not communities:
        return digest
    entries = list(
        ActivityEntry.objects.filter(
            community_id__in=communities,
            verb__in=NEWS_VERBS,
            is_private=False,
            created_at__gte=begins,
            created_at__lt=ends,
        )
        .exclude(actor=user)
        .order_by("community_id", "created_at")[:500]
    )
    targets = _targets(entries)
    grouped: dict[int, list] = {}
    for entry in entries:
        obj = targets.get((entry.target_type_id, entry.target_id))
        if obj is None or getattr(obj, "deleted_at", None) or getattr(obj, "cancelled_at", None):
            continue
        title = getattr(obj, "title", None) or getattr(obj, "name", None) or ""
        items = grouped.setdefault(entry.community_id, [])
        if len(items) < NEWS_PER_COMMUNITY and title:
            items.append((str(title), absolute_url(obj.get_absolute_url())))
    digest.news = [(communities[cid], items) for cid, items in grouped.items() if items]
    digest.questions = _questions_for(user, list(communities), now)
    digest.events = _events_for(list(communities), now)
    return digest


def _questions_for(user, community_ids, now):
    """Open questions without a reply, tagged with (or titled by) one of the reader's skills."""
    from koinon.accounts.models import ProfileSkill

    try:
        from koinon.discussions.models import Topic, TopicKind
    except ImportError:  # pragma: no cover - discussions is installed
        return []
    skills = list(ProfileSkill.objects.filter(user=user).values_list("skill__name", flat=True)[:20])
    if not skills:
        return []
    match = Q(tags__name__in=[slugify(s, allow_unicode=True) for s in skills])
    for name in skills:
        match |= Q(title__icontains=name)
    found = (
        Topic.objects.filter(
            match,
            community_id__in=community_ids,
            kind=TopicKind.QUESTION,
            accepted_answer__isnull=True,
            reply_count=0,
            archived=False,
            created_at__gte=now - timedelta(days=30),
        )
        .exclude(author=user)
        .select_related("community")
        .distinct()
        .order_by("-created_at")[:QUESTIONS]
    )
    return [(t.title, absolute_url(t.get_absolute_url()), t.community.name) for t in found]


def _events_for(community_ids, now):
    from koinon.events.models import Event

    found = (
        Event.objects.filter(
            community_id__in=community_ids,
            cancelled_at__isnull=True,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=7),
        )
        .select_related("community")
        .order_by("starts_at")[:EVENTS]
    )
    return [
        (e.title, absolute_url(e.get_absolute_url()), e.starts_at, e.community.name) for e in found
    ]


def claim(user, period: str, start: date) -> DigestDelivery | None:
    """The delivery row for this person and period, or None if somebody claimed it."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(user=user, period=period, period_start=start)
    except IntegrityError:
        return None


def send_digests(period: str, *, today: date | None = None, limit: int | None = None) -> int:
    """Send this period's digests to everyone who chose them; return how many were sent."""
    from koinon.notifications.mail import DIGESTS, send_mail_to

    start, begins, ends = period_bounds(period, today)
    sent = 0
    people = recipients(period).select_related("profile")
    if limit is not None:
        people = people[:limit]
    for user in people.iterator(chunk_size=500):
        delivery = claim(user, period, start)
        if delivery is None:
            continue
        digest = build_digest(user, period, begins, ends)
        if digest.lines:
            context = {"digest": digest, "period": period, "period_start": start}
            send_mail_to(user, "notifications/email/digest", context, unsubscribe_scope=DIGESTS)
            sent += 1
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            sent_at=timezone.now(), lines=digest.lines
        )
    return sent


CHANNEL_PERIODS = {Channel.DAILY: Period.DAILY, Channel.WEEKLY: Period.WEEKLY}
