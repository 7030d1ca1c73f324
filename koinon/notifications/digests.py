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

from koinon.communities.models import Membership, Visibility
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
OPEN_QUESTIONS_PER_COMMUNITY = 200
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


class RunCache:
    """What every member of a community shares within one run: its news and its events."""

    def __init__(self, begins, ends, now):
        self.begins, self.ends, self.now = begins, ends, now
        self.news: dict[int, list] = {}  # community id → [(actor id, title, url)]
        self.events: dict[int, list] = {}  # community id → [(starts, event)]
        self.questions: dict[int, list] = {}  # community id → open questions, newest first

    def load(self, communities: dict):
        """Fetch, in a few queries, whatever these communities' members still need."""
        missing = [cid for cid in communities if cid not in self.news]
        if not missing:
            return
        entries = list(
            ActivityEntry.objects.filter(
                community_id__in=missing,
                verb__in=NEWS_VERBS,
                is_private=False,
                created_at__gte=self.begins,
                created_at__lt=self.ends,
            ).order_by("community_id", "created_at")[: 50 * len(missing)]
        )
        targets = _targets(entries)
        for cid in missing:
            self.news[cid] = []
            self.events[cid] = []
            self.questions[cid] = []
        for entry in entries:
            obj = targets.get((entry.target_type_id, entry.target_id))
            if obj is None or getattr(obj, "deleted_at", None):
                continue
            if getattr(obj, "cancelled_at", None):
                continue
            title = getattr(obj, "title", None) or getattr(obj, "name", None) or ""
            items = self.news[entry.community_id]
            if title and len(items) < NEWS_PER_COMMUNITY + 5:
                items.append((entry.actor_id, str(title), absolute_url(obj.get_absolute_url())))
        from koinon.events.models import Event

        for event in (
            Event.objects.filter(
                community_id__in=missing,
                cancelled_at__isnull=True,
                starts_at__gte=self.now,
                starts_at__lt=self.now + timedelta(days=7),
            )
            .select_related("community")
            .order_by("starts_at")
        ):
            found = self.events[event.community_id]
            if len(found) < EVENTS:
                found.append((event.starts_at, event))
        self._load_questions(missing)

    def _load_questions(self, community_ids):
        """Open questions of the last 30 days that nobody answered yet, with their tags."""
        from koinon.discussions.models import Topic, TopicKind

        open_questions = (
            Topic.objects.filter(
                community_id__in=community_ids,
                kind=TopicKind.QUESTION,
                accepted_answer__isnull=True,
                reply_count=0,
                archived=False,
                created_at__gte=self.now - timedelta(days=30),
            )
            .select_related("community")
            .prefetch_related("tags")
            .order_by("-created_at")
        )
        for topic in open_questions:
            found = self.questions[topic.community_id]
            if len(found) < OPEN_QUESTIONS_PER_COMMUNITY:
                found.append(
                    (
                        topic.created_at,
                        topic.title,
                        topic.title.lower(),
                        {tag.name for tag in topic.tags.all()},
                        topic.author_id,
                        absolute_url(topic.get_absolute_url()),
                    )
                )


def build_digest(
    user, period: str, begins, ends, *, now=None, cache: RunCache | None = None
) -> Digest:
    """What `user` should read about in this period; only what they may see now.

    Uses `user.digest_subscription` and `user.notification_preferences` when they were
    fetched with the user (as `send_digests` does), else one query each.
    """
    now = now or timezone.now()
    cache = cache or RunCache(begins, ends, now)
    digest = Digest()
    channels = {k.key: k.default for k in KINDS}
    channels.update({p.kind: p.channel for p in user.notification_preferences.all()})
    kinds = [key for key, channel in channels.items() if channel == period]
    member_of = Membership.objects.filter(user=user).values("community_id")
    if kinds:
        readable = (
            Q(community__isnull=True)
            | Q(community__visibility=Visibility.PUBLIC)
            | Q(community_id__in=member_of)
        )
        for n in (
            Notification.objects.filter(
                readable,
                recipient=user,
                kind__in=kinds,
                created_at__gte=begins,
                created_at__lt=ends,
            )
            .exclude(
                community_id__in=CommunityMute.objects.filter(user=user).values("community_id")
            )
            .order_by("created_at")[:50]
        ):
            digest.notifications.append((sentence(n), absolute_url(n.url) if n.url else ""))

    try:
        subscription = user.digest_subscription
    except DigestSubscription.DoesNotExist:
        subscription = None
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
    cache.load(communities)
    for cid, community in communities.items():
        items = [(t, u) for actor, t, u in cache.news[cid] if actor != user.pk]
        if items:
            digest.news.append((community, items[:NEWS_PER_COMMUNITY]))
    digest.questions = _questions_for(user, communities, cache)
    upcoming = sorted((e for cid in communities for e in cache.events[cid]), key=lambda e: e[0])[
        :EVENTS
    ]
    digest.events = [
        (e.title, absolute_url(e.get_absolute_url()), starts, e.community.name)
        for starts, e in upcoming
    ]
    return digest


def _skills_of(user) -> list[str]:
    """The reader's skill names (prefetched by `send_digests`, else one query)."""
    cached = getattr(user, "_prefetched_objects_cache", {}).get("skills")
    if cached is not None:
        return [ps.skill.name for ps in cached]
    from koinon.accounts.models import ProfileSkill

    return list(ProfileSkill.objects.filter(user=user).values_list("skill__name", flat=True))


def _questions_for(user, communities, cache):
    """Open questions without a reply, tagged with (or titled by) one of the reader's skills."""
    skills = [s.lower() for s in _skills_of(user)[:20]]
    if not skills:
        return []
    slugs = {slugify(s, allow_unicode=True) for s in skills}
    found = []
    for cid in communities:
        for question in cache.questions[cid]:
            created, title, lowered, tags, author_id, url = question
            if author_id == user.pk:
                continue
            if tags & slugs or any(skill in lowered for skill in skills):
                found.append((created, title, url, communities[cid].name))
    found.sort(key=lambda q: q[0], reverse=True)
    return [(title, url, name) for _c, title, url, name in found[:QUESTIONS]]


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
    cache = RunCache(begins, ends, timezone.now())
    people = (
        recipients(period)
        .select_related("profile", "digest_subscription")
        .prefetch_related("notification_preferences", "skills__skill")
    )
    if limit is not None:
        people = people[:limit]
    for user in people.iterator(chunk_size=500):
        delivery = claim(user, period, start)
        if delivery is None:
            continue
        digest = build_digest(user, period, begins, ends, cache=cache)
        if digest.lines:
            context = {"digest": digest, "period": period, "period_start": start}
            send_mail_to(user, "notifications/email/digest", context, unsubscribe_scope=DIGESTS)
            sent += 1
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            sent_at=timezone.now(), lines=digest.lines
        )
    return sent


CHANNEL_PERIODS = {Channel.DAILY: Period.DAILY, Channel.WEEKLY: Period.WEEKLY}
