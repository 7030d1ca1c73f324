"""Trust levels: computed from the figures in `rules`, stored per person, refreshed
when a person earns reputation, when a stored level is older than `rules.FRESH_FOR`
and someone asks (`level_of`), and for everyone by `recompute_reputation`.

Reading is what `discussions.TopicState.last_read_at` records: a topic counts as
read (entered) once it has a read mark, and every post of it created up to that mark
counts as read. Posts written count every post not deleted, anonymous ones included
(the level is a single figure and never names a post).
"""

from django.db.models import Count, F
from django.utils import timezone

from koinon.reputation import rules
from koinon.reputation.models import ReputationScore, TrustLevel


def stats_for(user_ids) -> dict[int, dict]:
    """The figures the rules look at, for many people in five queries."""
    from koinon.accounts.models import User
    from koinon.discussions.models import Post, TopicState

    user_ids = list(set(user_ids))
    now = timezone.now()
    joined = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "date_joined"))
    entered = dict(
        TopicState.objects.filter(user_id__in=user_ids, last_read_at__isnull=False)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
        .order_by()
    )
    read = dict(
        Post.objects.filter(
            topic__states__user_id__in=user_ids,
            topic__states__last_read_at__gte=F("created_at"),
            deleted_at__isnull=True,
        )
        .values("topic__states__user_id")
        .annotate(n=Count("pk"))
        .values_list("topic__states__user_id", "n")
        .order_by()
    )
    written = dict(
        Post.objects.filter(author_id__in=user_ids, deleted_at__isnull=True)
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
        .order_by()
    )
    reputation = dict(
        ReputationScore.objects.filter(
            user_id__in=user_ids, community__isnull=True, tag__isnull=True
        ).values_list("user_id", "points")
    )
    return {
        pk: {
            "joined_for": now - date_joined,
            "topics_entered": entered.get(pk, 0),
            "posts_read": read.get(pk, 0),
            "posts_written": written.get(pk, 0),
            "reputation": reputation.get(pk, 0),
        }
        for pk, date_joined in joined.items()
    }


def refresh(user_ids, reputation_known: bool = False) -> dict[int, TrustLevel]:
    """Recompute and store the levels of these people; return their rows."""
    stats = stats_for(user_ids)
    now = timezone.now()
    rows = {t.user_id: t for t in TrustLevel.objects.filter(user_id__in=stats)}
    new, changed = [], []
    for pk, figures in stats.items():
        row = rows.get(pk) or TrustLevel(user_id=pk)
        row.computed = rules.level_for(figures)
        row.reputation = figures["reputation"]
        row.topics_entered = figures["topics_entered"]
        row.posts_read = figures["posts_read"]
        row.posts_written = figures["posts_written"]
        row.computed_at = now
        (changed if pk in rows else new).append(row)
        rows[pk] = row
    if new:
        TrustLevel.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        TrustLevel.objects.bulk_update(
            changed,
            [
                "computed",
                "reputation",
                "topics_entered",
                "posts_read",
                "posts_written",
                "computed_at",
            ],
        )
    return rows


def level_of(user, fresh: bool = False) -> int:
    """A person's trust level (0 for nobody); recomputed when stale or when asked."""
    if not (user and user.is_authenticated):
        return 0
    row = TrustLevel.objects.filter(user_id=user.pk).first()
    stale = (
        row is None
        or row.computed_at is None
        or (timezone.now() - row.computed_at > rules.FRESH_FOR)
    )
    if fresh or stale:
        override = row.override if row else None
        row = refresh([user.pk])[user.pk]
        row.override = override
    return row.level


def refresh_all(chunk: int = 500) -> int:
    """Every active person's level (the command); returns how many."""
    from koinon.accounts.models import User

    ids = list(User.objects.filter(is_active=True).values_list("pk", flat=True).order_by("pk"))
    for i in range(0, len(ids), chunk):
        refresh(ids[i : i + chunk])
    return len(ids)
