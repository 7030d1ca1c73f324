"""The health figures of one community, each from one aggregated query.

No figure loops over rows in Python: every number is a COUNT, MAX or MIN grouped by
the database (GROUP BY or conditional aggregation), so the page, the CSV files and
the API cost the same handful of queries for ten members or ten thousand. The only
Python loops run over the few aggregated rows (months, weeks) that come back.

Windows: "recent" is the last 90 days; newcomers are people who joined in the last
365 days; the series cover the last 12 months or 12 weeks.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from koinon.communities.models import Cadence, Membership
from koinon.core.models import ActivityEntry

WINDOW_DAYS = 90
NEWCOMER_DAYS = 365
MONTHS = 12
WEEKS = 12
# Participation levels: actions in the community in the last 90 days.
CORE_MIN = 20
ACTIVE_MIN = 5
# Meetings a cadence asks for in 90 days.
CADENCE_MEETINGS = {
    Cadence.WEEKLY: 12,
    Cadence.BIWEEKLY: 6,
    Cadence.MONTHLY: 3,
    Cadence.QUARTERLY: 1,
}
MENTORED_STATUSES = ("accepted", "active", "completed", "ended")
LEFT_VERBS = ("community.left", "community.member_removed")
UNANSWERED_LISTED = 5


def share(part, whole) -> float | None:
    """`part / whole` as a percentage with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def count_of(queryset):
    """A correlated COUNT(*) of `queryset` usable inside another query."""
    counted = (
        queryset.order_by()
        .annotate(_one=Value(1, output_field=IntegerField()))
        .values("_one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    first = today.replace(day=1)
    starts = [first]
    for _i in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]


def members_of(community):
    return Membership.objects.filter(community=community).values("user_id")


def local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


# --- Members -----------------------------------------------------------------------------


def _month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def members_over_time(community, today: date) -> list[dict]:
    """Per month: who joined (today's members, by join date), who left (from the log),
    and today's members who had joined by the month's end.

    Conditional aggregation over fixed month boundaries (one COUNT per month): no
    date function runs per row.
    """
    months = month_starts(today)
    bounds = [local_start(m) for m in months] + [local_start(_month_after(months[-1]))]
    spans = list(enumerate(zip(bounds, bounds[1:], strict=False)))
    by_end = Membership.objects.filter(community=community).aggregate(
        before=Count("pk", filter=Q(joined_at__lt=bounds[0])),
        **{f"m{i}": Count("pk", filter=Q(joined_at__lt=end)) for i, (_s, end) in spans},
    )
    left = ActivityEntry.objects.filter(
        community=community, verb__in=LEFT_VERBS, created_at__gte=bounds[0]
    ).aggregate(
        **{
            f"m{i}": Count("pk", filter=Q(created_at__gte=begin, created_at__lt=end))
            for i, (begin, end) in spans
        }
    )
    rows, previous = [], by_end["before"]
    for i, month in enumerate(months):
        total = by_end[f"m{i}"]
        rows.append(
            {
                "month": month.isoformat()[:7],
                "joined": total - previous,
                "left": left[f"m{i}"],
                "members": total,
            }
        )
        previous = total
    return rows


def weekly_active(community, today: date) -> list[dict]:
    """Per week (Monday to Sunday): how many of today's members did something there.

    One COUNT(DISTINCT) per week over fixed boundaries, in one query.
    """
    weeks = week_starts(today)
    bounds = [local_start(w) for w in weeks] + [local_start(weeks[-1] + timedelta(days=7))]
    counts = ActivityEntry.objects.filter(
        community=community,
        created_at__gte=bounds[0],
        actor_id__in=members_of(community),
    ).aggregate(
        **{
            f"w{i}": Count(
                "actor_id", distinct=True, filter=Q(created_at__gte=begin, created_at__lt=end)
            )
            for i, (begin, end) in enumerate(zip(bounds, bounds[1:], strict=False))
        }
    )
    return [
        {"week": week.isoformat(), "active_members": counts[f"w{i}"]}
        for i, week in enumerate(weeks)
    ]


def participation(community, now, members: int) -> dict:
    """Members by level, from their number of actions in the last 90 days.

    One query: the actions are grouped per person by the database, then counted per
    level by conditional aggregation over those groups.
    """
    per_person = (
        ActivityEntry.objects.filter(
            community=community,
            created_at__gte=now - timedelta(days=WINDOW_DAYS),
            actor_id__in=members_of(community),
        )
        .values("actor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    levels = per_person.aggregate(
        core=Count("actor_id", filter=Q(n__gte=CORE_MIN)),
        active=Count("actor_id", filter=Q(n__gte=ACTIVE_MIN, n__lt=CORE_MIN)),
        peripheral=Count("actor_id", filter=Q(n__lt=ACTIVE_MIN)),
    )
    levels = {key: value or 0 for key, value in levels.items()}
    levels["inactive"] = max(members - sum(levels.values()), 0)
    return levels


def newcomers(community, now) -> dict:
    """Retention at 30 and 90 days and mentoring coverage of the last year's newcomers.

    A newcomer is a member who joined in the last 365 days. They are "still taking part"
    at day N if they did anything in the community on or after the N-th day after
    joining (asked only of those who joined at least N days ago). They "have a mentor"
    if a mentor who belongs to this community took them on (accepted, active or past).
    """
    from koinon.mentoring.models import Mentorship

    mentored = Mentorship.objects.filter(
        mentee_id=OuterRef("user_id"),
        status__in=MENTORED_STATUSES,
        mentor__memberships__community=community,
    )
    day30, day90 = now - timedelta(days=30), now - timedelta(days=90)
    counts = (
        newcomer_memberships(community, now)
        .annotate(mentored=Exists(mentored))
        .aggregate(
            total=Count("pk"),
            with_mentor=Count("pk", filter=Q(mentored=True)),
            due30=Count("pk", filter=Q(joined_at__lte=day30)),
            due90=Count("pk", filter=Q(joined_at__lte=day90)),
        )
    )
    kept = retained(community, now)
    return {
        "newcomers": counts["total"],
        "with_mentor": counts["with_mentor"],
        "with_mentor_share": share(counts["with_mentor"], counts["total"]),
        "eligible_30": counts["due30"],
        "retained_30": kept["kept30"],
        "retention_30": share(kept["kept30"], counts["due30"]),
        "eligible_90": counts["due90"],
        "retained_90": kept["kept90"],
        "retention_90": share(kept["kept90"], counts["due90"]),
    }


def newcomer_memberships(community, now):
    return Membership.objects.filter(
        community=community, joined_at__gte=now - timedelta(days=NEWCOMER_DAYS)
    )


def retained(community, now) -> dict:
    """How many newcomers acted on or after their 30th (90th) day, in one grouped query.

    The newcomers' actions are grouped per person (their last action, and when they
    joined) by one pass over the community's log of the last 335 days, then counted by
    conditional aggregation; no lookup per newcomer.
    """
    day30, day90 = now - timedelta(days=30), now - timedelta(days=90)
    joined = Membership.objects.filter(community=community, user_id=OuterRef("actor_id"))
    per_person = (
        ActivityEntry.objects.filter(
            community=community,
            created_at__gte=now - timedelta(days=NEWCOMER_DAYS - 30),
            actor_id__in=newcomer_memberships(community, now).values("user_id"),
        )
        .values("actor_id")
        .annotate(last=Max("created_at"), joined=Subquery(joined.values("joined_at")[:1]))
        .order_by()
    )
    return per_person.aggregate(
        kept30=Count(
            "actor_id", filter=Q(joined__lte=day30, last__gte=F("joined") + timedelta(days=30))
        ),
        kept90=Count(
            "actor_id", filter=Q(joined__lte=day90, last__gte=F("joined") + timedelta(days=90))
        ),
    )


# --- Questions ---------------------------------------------------------------------------


def _first_answer():
    """When someone other than the asker first answered (replies still shown)."""
    from koinon.discussions.models import Post

    return Subquery(
        Post.objects.filter(topic=OuterRef("pk"), is_opening=False, deleted_at__isnull=True)
        .exclude(author_id=Coalesce(OuterRef("author_id"), Value(0)))
        .order_by("created_at")
        .values("created_at")[:1]
    )


def questions(community, now) -> dict:
    """Questions of the last 90 days: how many got an answer, and how fast (median);
    plus the questions still waiting for one, whenever they were asked."""
    from koinon.discussions.models import Topic, TopicKind

    asked = Topic.objects.filter(community=community, kind=TopicKind.QUESTION)
    recent = asked.filter(created_at__gte=now - timedelta(days=WINDOW_DAYS)).annotate(
        first=_first_answer()
    )
    counts = recent.aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(first__isnull=False))
    )
    median = median_hours(recent, counts["answered"])
    waiting = (
        asked.filter(archived=False, closed=False)
        .annotate(first=_first_answer())
        .filter(first__isnull=True)
    )
    oldest = list(waiting.order_by("created_at", "pk")[:UNANSWERED_LISTED])
    return {
        "asked": counts["asked"],
        "answered": counts["answered"],
        "answered_share": share(counts["answered"], counts["asked"]),
        "median_hours_to_first_answer": median,
        "unanswered": waiting.count(),
        "oldest_unanswered": [
            {"title": t.title, "url": t.get_absolute_url(), "asked_at": t.created_at}
            for t in _with_community(oldest, community)
        ],
    }


def _with_community(topics, community):
    for topic in topics:
        topic.community = community  # the URL needs its slug: no query per topic
    return topics


def median_hours(answered_qs, n: int) -> float | None:
    """The median delay to the first answer, read by the database at the middle offset."""
    if not n:
        return None
    delays = list(
        answered_qs.filter(first__isnull=False)
        .annotate(
            delay=ExpressionWrapper(F("first") - F("created_at"), output_field=DurationField())
        )
        .order_by("delay", "pk")
        .values_list("delay", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    middle = sum(delays, timedelta()) / len(delays)
    return round(middle.total_seconds() / 3600, 1)


# --- Meetings ----------------------------------------------------------------------------


def _held():
    # The events app's rule (see `events_tags.cadence`): held = not cancelled, with
    # attendance recorded; planned = every past meeting, cancelled ones included.
    return Q(cancelled_at__isnull=True, registrations__attended_at__isnull=False)


def meetings(community, now, today: date) -> dict:
    """Meetings planned and held per month (last 12 months), the cadence kept in the
    last 90 days, and the attendance rate of the meetings held."""
    from koinon.events.models import Event, Registration, RegistrationStatus
    from koinon.events.templatetags.events_tags import cadence

    months = month_starts(today)
    rows = (
        Event.objects.filter(
            community=community, starts_at__gte=local_start(months[0]), starts_at__lt=now
        )
        .annotate(month=TruncMonth("starts_at", output_field=DateField()))
        .values("month")
        .annotate(
            planned=Count("pk", distinct=True),
            held=Count("pk", filter=_held(), distinct=True),
        )
        .order_by()
    )
    found = {_as_date(r["month"]): r for r in rows}
    per_month = [
        {
            "month": m.isoformat()[:7],
            "planned": found[m]["planned"] if m in found else 0,
            "held": found[m]["held"] if m in found else 0,
        }
        for m in months
    ]
    recent = Event.objects.filter(
        community=community, starts_at__gte=now - timedelta(days=WINDOW_DAYS), starts_at__lt=now
    ).aggregate(planned=Count("pk", distinct=True), held=Count("pk", filter=_held(), distinct=True))
    expected = CADENCE_MEETINGS.get(community.cadence)
    attended = Registration.objects.filter(
        event__community=community,
        event__starts_at__gte=now - timedelta(days=NEWCOMER_DAYS),
        event__starts_at__lt=now,
        event__cancelled_at__isnull=True,
        status=RegistrationStatus.CONFIRMED,
        event__registrations__attended_at__isnull=False,
    ).aggregate(
        registered=Count("pk", distinct=True),
        attended=Count("pk", filter=Q(attended_at__isnull=False), distinct=True),
    )
    return {
        "per_month": per_month,
        "planned_90": recent["planned"],
        "held_90": recent["held"],
        "cadence": community.cadence,
        "expected_90": expected,
        "cadence_kept": None if expected is None else recent["held"] >= expected,
        "series": cadence(community, now),
        "registered": attended["registered"],
        "attended": attended["attended"],
        "attendance_rate": share(attended["attended"], attended["registered"]),
    }


# --- Knowledge ---------------------------------------------------------------------------


def knowledge(community, now) -> dict:
    """Reuse of the library in the last 90 days, in one query of correlated counts."""
    from koinon.communities.models import Community
    from koinon.library.models import (
        Adoption,
        Lesson,
        Practice,
        ReadingListItem,
        ResourceReview,
    )

    since = now - timedelta(days=WINDOW_DAYS)
    mine = OuterRef("pk")
    row = (
        Community.objects.filter(pk=community.pk)
        .annotate(
            n_adoptions=count_of(
                Adoption.objects.filter(practice__community=mine, created_at__gte=since)
            ),
            n_practices=count_of(Practice.objects.filter(community=mine)),
            n_practices_in_use=count_of(
                Practice.objects.filter(community=mine).filter(
                    Exists(Adoption.objects.filter(practice=OuterRef("pk")))
                )
            ),
            n_reviews=count_of(
                ResourceReview.objects.filter(resource__community=mine, created_at__gte=since)
            ),
            n_listed=count_of(
                ReadingListItem.objects.filter(resource__community=mine, added_at__gte=since)
            ),
            n_lessons=count_of(Lesson.objects.filter(community=mine, created_at__gte=since)),
            n_lessons_total=count_of(Lesson.objects.filter(community=mine)),
            n_built=count_of(
                ActivityEntry.objects.filter(
                    community=mine,
                    created_at__gte=since,
                    verb__in=("practice.created", "practice.revised", "resource.added"),
                )
            ),
        )
        .values(
            "n_adoptions",
            "n_practices",
            "n_practices_in_use",
            "n_reviews",
            "n_listed",
            "n_lessons",
            "n_lessons_total",
            "n_built",
        )
        .get()
    )
    return {
        "adoptions_90": row["n_adoptions"],
        "practices": row["n_practices"],
        "practices_in_use": row["n_practices_in_use"],
        "practices_in_use_share": share(row["n_practices_in_use"], row["n_practices"]),
        "resource_uses_90": row["n_reviews"] + row["n_listed"],
        "lessons_90": row["n_lessons"],
        "lessons_total": row["n_lessons_total"],
        "knowledge_added_90": row["n_built"] + row["n_lessons"],
    }


def activity_trend(community, now) -> dict:
    """Actions in the last 90 days and in the 90 days before (conditional aggregation)."""
    start = now - timedelta(days=WINDOW_DAYS)
    return ActivityEntry.objects.filter(
        community=community, created_at__gte=start - timedelta(days=WINDOW_DAYS)
    ).aggregate(
        recent=Count("pk", filter=Q(created_at__gte=start)),
        before=Count("pk", filter=Q(created_at__lt=start)),
    )


# --- All of them -------------------------------------------------------------------------


@dataclass
class Insights:
    community: object
    now: datetime
    members: int
    members_over_time: list
    weekly_active: list
    participation: dict
    newcomers: dict
    questions: dict
    meetings: dict
    knowledge: dict
    activity: dict
    age_days: int
    stage: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "community": self.community.slug,
            "computed_at": self.now,
            "age_days": self.age_days,
            "members": self.members,
            "members_over_time": self.members_over_time,
            "weekly_active": self.weekly_active,
            "participation": self.participation,
            "newcomers": self.newcomers,
            "questions": self.questions,
            "meetings": self.meetings,
            "knowledge": self.knowledge,
            "activity": self.activity,
            "stage": self.stage,
        }


def community_insights(community, now=None) -> Insights:
    """Every figure of the insights page for `community` (a fixed number of queries)."""
    from koinon.insights.stages import life_stage

    now = now or timezone.now()
    today = timezone.localdate(now)
    over_time = members_over_time(community, today)
    members = Membership.objects.filter(community=community).count()
    insights = Insights(
        community=community,
        now=now,
        members=members,
        members_over_time=over_time,
        weekly_active=weekly_active(community, today),
        participation=participation(community, now, members),
        newcomers=newcomers(community, now),
        questions=questions(community, now),
        meetings=meetings(community, now, today),
        knowledge=knowledge(community, now),
        activity=activity_trend(community, now),
        age_days=max((now - community.created_at).days, 0),
    )
    insights.stage = life_stage(insights)
    return insights
