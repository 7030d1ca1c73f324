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
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
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
    news: list = field(default_factory=list)  # [NewsSection]
    questions: list = field(default_factory=list)  # [(title, url, community name)]
    events: list = field(default_factory=list)  # [(title, url, starts_at, community name)]

    @property
    def lines(self) -> int:
        return (
            len(self.notifications)
            + sum(len(section.items) for section in self.news)
            + len(self.questions)
            + len(self.events)
        )


class NewsSection:
    """One community's news in a digest, rendered once per run for every reader who
    gets the same lines in the same language (most of them: only an author of one
    of the lines gets a list without it)."""

    def __init__(self, community, items, rendered: dict):
        self.community, self.items, self._rendered = community, items, rendered

    def _render(self, fmt: str):
        key = (self.community.pk, translation.get_language(), fmt, tuple(self.items))
        found = self._rendered.get(key)
        if found is None:
            context = {"community": self.community, "items": self.items}
            # The fragment was escaped by its own template, like the digest's.
            found = mark_safe(  # noqa: S308
                render_to_string(f"notifications/email/partials/digest_news.{fmt}", context)
            )
            self._rendered[key] = found
        return found

    def text(self):
        return self._render("txt")

    def html(self):
        return self._render("html")


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
        self.rendered: dict = {}  # (community id, language, format, lines) → news fragment

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
            if getattr(obj, "cancelled_at", None) or getattr(obj, "hidden_at", None):
                continue  # cancelled, or hidden pending review (moderation)
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
                # The link once per run, not once per reader (reversing a URL is slow).
                event.digest_url = absolute_url(event.get_absolute_url())
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
                hidden_at__isnull=True,  # hidden pending review: in nobody's digest
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


class Chunk:
    """The per-reader reads of many readers at once: their notifications of the period,
    their memberships (with the communities) and their muted communities.

    `send_digests` loads one per chunk of readers (a handful of queries for hundreds of
    people) instead of three queries per person.
    """

    def __init__(self, users, period: str, begins, ends):
        from koinon.communities.models import Community

        ids = [u.pk for u in users]
        self.memberships: dict[int, dict] = {uid: {} for uid in ids}
        for m in Membership.objects.filter(user_id__in=ids).select_related("community"):
            self.memberships[m.user_id][m.community_id] = m.community
        self.muted: dict[int, set] = {uid: set() for uid in ids}
        for uid, cid in CommunityMute.objects.filter(user_id__in=ids).values_list(
            "user_id", "community_id"
        ):
            self.muted[uid].add(cid)
        self.notifications: dict[int, list] = {uid: [] for uid in ids}
        kinds = self._kinds_in_period(users, period)
        if not kinds:
            self.public = set()
            return
        found = list(
            Notification.objects.filter(
                recipient_id__in=ids,
                kind__in=kinds,
                created_at__gte=begins,
                created_at__lt=ends,
            ).order_by("recipient_id", "created_at", "pk")
        )
        for n in found:
            self.notifications[n.recipient_id].append(n)
        community_ids = {n.community_id for n in found if n.community_id}
        self.public = set(
            Community.objects.filter(
                pk__in=community_ids, visibility=Visibility.PUBLIC
            ).values_list("pk", flat=True)
        )

    @staticmethod
    def _kinds_in_period(users, period) -> set:
        kinds = {k.key for k in KINDS if k.default == period}
        for user in users:
            kinds |= {p.kind for p in user.notification_preferences.all() if p.channel == period}
        return kinds


def build_digest(
    user,
    period: str,
    begins,
    ends,
    *,
    now=None,
    cache: RunCache | None = None,
    chunk: Chunk | None = None,
) -> Digest:
    """What `user` should read about in this period; only what they may see now.

    Uses `user.digest_subscription` and `user.notification_preferences` when they were
    fetched with the user (as `send_digests` does), and the `chunk` of reads loaded
    for many readers at once (else loads one for this reader alone).
    """
    now = now or timezone.now()
    cache = cache or RunCache(begins, ends, now)
    chunk = chunk or Chunk([user], period, begins, ends)
    digest = Digest()
    channels = {k.key: k.default for k in KINDS}
    channels.update({p.kind: p.channel for p in user.notification_preferences.all()})
    member_of = chunk.memberships[user.pk]
    muted = chunk.muted[user.pk]
    for n in chunk.notifications[user.pk]:
        if channels.get(n.kind) != period or n.community_id in muted:
            continue
        readable = (
            n.community_id is None or n.community_id in chunk.public or n.community_id in member_of
        )
        if readable:
            digest.notifications.append((sentence(n), absolute_url(n.url) if n.url else ""))
            if len(digest.notifications) == 50:
                break

    try:
        subscription = user.digest_subscription
    except DigestSubscription.DoesNotExist:
        subscription = None
    if not (subscription and getattr(subscription, period)):
        return digest

    # Their communities (being a member is what lets them read the content), minus muted.
    communities = {cid: c for cid, c in member_of.items() if cid not in muted}
    if not communities:
        return digest
    cache.load(communities)
    for cid, community in communities.items():
        items = [(t, u) for actor, t, u in cache.news[cid] if actor != user.pk]
        if items:
            digest.news.append(NewsSection(community, items[:NEWS_PER_COMMUNITY], cache.rendered))
    digest.questions = _questions_for(user, communities, cache)
    upcoming = sorted((e for cid in communities for e in cache.events[cid]), key=lambda e: e[0])[
        :EVENTS
    ]
    digest.events = [(e.title, e.digest_url, starts, e.community.name) for starts, e in upcoming]
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


def claim_fast(user_id: int, period: str, start: date, lines: int) -> bool:
    """`claim` in one statement (no savepoint): whether this run won the person's row.

    INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL) tells by its row count,
    so losing the race costs no exception and no rollback.
    """
    table = connection.ops.quote_name(DigestDelivery._meta.db_table)  # ours, not input
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, period, period_start, claimed_at, lines) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [
                user_id,
                period,
                ops.adapt_datefield_value(start),
                ops.adapt_datetimefield_value(timezone.now()),
                lines,
            ],
        )
        return cursor.rowcount == 1


CHUNK = 500


def send_digests(period: str, *, today: date | None = None, limit: int | None = None) -> int:
    """Send this period's digests to everyone who chose them; return how many were sent.

    Readers go by chunks: the reads of a whole chunk come in a few queries (`Chunk`),
    then each reader's digest is built in memory, claimed (one INSERT, before the
    e-mail) and sent. A rerun skips whoever was claimed; a crash loses at most the
    one digest claimed but not sent, never sends one twice.
    """
    start, begins, ends = period_bounds(period, today)
    sent = 0
    cache = RunCache(begins, ends, timezone.now())
    ids = list(recipients(period).values_list("pk", flat=True))
    if limit is not None:
        ids = ids[:limit]
    for offset in range(0, len(ids), CHUNK):
        sent += _send_chunk(ids[offset : offset + CHUNK], period, start, cache)
    return sent


def _send_chunk(ids, period, start, cache) -> int:
    from koinon.notifications.mail import DIGESTS, send_mail_to

    done = set(
        DigestDelivery.objects.filter(
            user_id__in=ids, period=period, period_start=start
        ).values_list("user_id", flat=True)
    )
    people = list(
        recipients(period)
        .filter(pk__in=[i for i in ids if i not in done])
        .select_related("profile", "digest_subscription")
        .prefetch_related("notification_preferences", "skills__skill")
    )
    if not people:
        return 0
    chunk = Chunk(people, period, cache.begins, cache.ends)
    done_now: list[int] = []
    sent = 0
    try:
        for user in people:
            digest = build_digest(user, period, cache.begins, cache.ends, cache=cache, chunk=chunk)
            if not claim_fast(user.pk, period, start, digest.lines):
                continue
            if digest.lines:
                context = {"digest": digest, "period": period, "period_start": start}
                send_mail_to(user, "notifications/email/digest", context, unsubscribe_scope=DIGESTS)
                sent += 1
            done_now.append(user.pk)
    finally:
        # One UPDATE for the chunk (the number of lines was written with the claim).
        DigestDelivery.objects.filter(
            user_id__in=done_now, period=period, period_start=start
        ).update(sent_at=timezone.now())
    return sent


CHANNEL_PERIODS = {Channel.DAILY: Period.DAILY, Channel.WEEKLY: Period.WEEKLY}
