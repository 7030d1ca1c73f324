"""Keeping the reputation ledger in step with the source tables.

Each `sync_*` function makes the ledger rows of one source scope (a post's helpful
reactions, a question's accepted answer, a practice's adoptions, a person's
endorsements) equal to what the source tables say now, then re-adds the sums of the
people it touched. Running one twice changes nothing; running one after an undo
(a reaction removed, an answer unaccepted, a post deleted or hidden) removes the
points. `rebuild()` does it for everything (the `recompute_reputation` command).

Anonymous posts earn nobody reputation. Even a total that moves right after an
anonymous answer is accepted, or a per-tag figure on a profile, could point at the
author, so a post written anonymously never enters the ledger (and a post made
anonymous later leaves it). Deleted and hidden posts do not count either, nor a
reaction or an adoption by the person who would earn from it, nor accepting
one's own answer to one's own question.

Endorsements belong to no community: they count in the overall total only.
Tags are read from the topic or practice when the sums are made, so retagging a
topic moves its points to the new tags (`retag`).
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from koinon.reputation import rules
from koinon.reputation.models import ReputationEvent, ReputationScore, Source

FIELDS = ("points", "community_id", "topic_id", "post_id", "practice_id")


def _post_counts(post) -> bool:
    return bool(
        post is not None
        and post.author_id
        and not post.is_anonymous
        and post.deleted_at is None
        and getattr(post, "hidden_at", None) is None
    )


def _reconcile(existing, expected: dict) -> set[int]:
    """Make the rows of `existing` equal `expected` ({(source, source_id, user_id): fields}).

    Returns the ids of the people whose ledger changed.
    """
    touched = set()
    have = {(e.source, e.source_id, e.user_id): e for e in existing}
    gone = [e.pk for key, e in have.items() if key not in expected]
    if gone:
        ReputationEvent.objects.filter(pk__in=gone).delete()
        touched |= {key[2] for key, e in have.items() if key not in expected}
    new = []
    for key, fields in expected.items():
        row = have.get(key)
        if row is None:
            new.append(ReputationEvent(source=key[0], source_id=key[1], user_id=key[2], **fields))
            touched.add(key[2])
        elif any(getattr(row, f) != fields.get(f) for f in FIELDS):
            for f in FIELDS:
                setattr(row, f, fields.get(f))
            row.save(update_fields=[f.removesuffix("_id") for f in FIELDS])
            touched.add(key[2])
    if new:
        # A concurrent sync may have added the same row: the unique key makes it a no-op.
        ReputationEvent.objects.bulk_create(new, ignore_conflicts=True)
    return touched


def _finish(touched: set[int]) -> set[int]:
    if touched:
        aggregate(touched)
        from koinon.reputation.trust import refresh

        refresh(touched, reputation_known=True)
    return touched


# --- One source scope at a time ---------------------------------------------------


@transaction.atomic
def sync_post(post_id: int) -> set[int]:
    """The helpful reactions on one post (and its acceptance, if it is an answer)."""
    from koinon.discussions.models import Post, Reaction, ReactionKind

    post = Post.objects.select_related("topic").filter(pk=post_id).first()
    existing = ReputationEvent.objects.filter(source=Source.HELPFUL, post_id=post_id)
    expected = {}
    if _post_counts(post):
        value = rules.points()["helpful"]
        reactions = Reaction.objects.filter(post=post, kind=ReactionKind.HELPFUL).exclude(
            user_id=post.author_id
        )
        for r in reactions.only("pk", "created_at"):
            expected[(Source.HELPFUL.value, r.pk, post.author_id)] = {
                "points": value,
                "community_id": post.topic.community_id,
                "topic_id": post.topic_id,
                "post_id": post.pk,
                "practice_id": None,
                "created_at": r.created_at,
            }
    touched = _reconcile(existing, expected)
    if post is not None:
        touched |= _sync_answer(post.topic)
    return _finish(touched)


def _sync_answer(topic) -> set[int]:
    from koinon.discussions.models import Post

    existing = ReputationEvent.objects.filter(source=Source.ACCEPTED, topic_id=topic.pk)
    expected = {}
    answer = None
    if topic.accepted_answer_id:
        answer = Post.objects.filter(pk=topic.accepted_answer_id).first()
    if _post_counts(answer) and answer.author_id != topic.author_id:
        expected[(Source.ACCEPTED.value, answer.pk, answer.author_id)] = {
            "points": rules.points()["accepted"],
            "community_id": topic.community_id,
            "topic_id": topic.pk,
            "post_id": answer.pk,
            "practice_id": None,
            "created_at": timezone.now(),
        }
    return _reconcile(existing, expected)


@transaction.atomic
def sync_topic(topic_id: int) -> set[int]:
    """A question's accepted answer (after accepting, unaccepting or deleting)."""
    from koinon.discussions.models import Topic

    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        return set()
    return _finish(_sync_answer(topic))


@transaction.atomic
def retag_topic(topic_id: int) -> set[int]:
    """A topic's tags changed: the sums of everyone who earned in it move with them."""
    users = set(ReputationEvent.objects.filter(topic_id=topic_id).values_list("user_id", flat=True))
    if users:
        aggregate(users)
    return users


@transaction.atomic
def sync_practice(practice_id: int) -> set[int]:
    """Adoptions of one practice, credited to its maintainers and its author."""
    from koinon.library.models import Adoption, Practice

    practice = Practice.objects.filter(pk=practice_id).first()
    existing = ReputationEvent.objects.filter(source=Source.ADOPTED, practice_id=practice_id)
    expected = {}
    if practice is not None:
        earners = set(practice.maintainers.values_list("pk", flat=True))
        if practice.created_by_id:
            earners.add(practice.created_by_id)
        value = rules.points()["adopted"]
        for adoption in Adoption.objects.filter(practice=practice).only(
            "pk", "user_id", "created_at"
        ):
            for earner in earners - {adoption.user_id}:
                expected[(Source.ADOPTED.value, adoption.pk, earner)] = {
                    "points": value,
                    "community_id": practice.community_id,
                    "topic_id": None,
                    "post_id": None,
                    "practice_id": practice.pk,
                    "created_at": adoption.created_at,
                }
    touched = _reconcile(existing, expected)
    if practice is not None and not touched:
        # Tags may have changed (a revision): move the sums along.
        touched_by_tags = set(existing.values_list("user_id", flat=True))
        if touched_by_tags:
            aggregate(touched_by_tags)
    return _finish(touched)


@transaction.atomic
def sync_endorsements(person_id: int) -> set[int]:
    """The endorsements one person received (overall reputation only)."""
    from koinon.network.models import Endorsement

    existing = ReputationEvent.objects.filter(source=Source.ENDORSED, user_id=person_id)
    value = rules.points()["endorsed"]
    expected = {
        (Source.ENDORSED.value, e.pk, person_id): {
            "points": value,
            "community_id": None,
            "topic_id": None,
            "post_id": None,
            "practice_id": None,
            "created_at": e.created_at,
        }
        for e in Endorsement.objects.filter(person_id=person_id).only("pk", "created_at")
    }
    return _finish(_reconcile(existing, expected))


# --- Sums ------------------------------------------------------------------------


@transaction.atomic
def aggregate(user_ids) -> None:
    """Rebuild the `ReputationScore` rows of these people from the ledger (6 queries)."""
    user_ids = set(user_ids)
    if not user_ids:
        return
    from koinon.accounts.models import User

    # Two changes for one person at once: the second waits, then reads both (PostgreSQL).
    list(User.objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values("pk"))
    events = ReputationEvent.objects.filter(user_id__in=user_ids)
    overall = defaultdict(int)
    per_community = defaultdict(int)
    per_tag = defaultdict(int)
    for row in events.values("user_id", "community_id").annotate(n=Sum("points")).order_by():
        overall[row["user_id"]] += row["n"]
        if row["community_id"] is not None:
            per_community[(row["user_id"], row["community_id"])] += row["n"]
    for tags in ("topic__tags", "practice__tags"):
        rows = (
            events.filter(**{f"{tags}__isnull": False})
            .values("user_id", "community_id", tags)
            .annotate(n=Sum("points"))
            .order_by()
        )
        for row in rows:
            per_tag[(row["user_id"], row["community_id"], row[tags])] += row["n"]
    ReputationScore.objects.filter(user_id__in=user_ids).delete()
    ReputationScore.objects.bulk_create(
        [ReputationScore(user_id=u, points=n) for u, n in overall.items()]
        + [
            ReputationScore(user_id=u, community_id=c, points=n)
            for (u, c), n in per_community.items()
        ]
        + [
            ReputationScore(user_id=u, community_id=c, tag_id=t, points=n)
            for (u, c, t), n in per_tag.items()
        ],
        batch_size=500,
    )


def overall_points(user_ids) -> dict[int, int]:
    return dict(
        ReputationScore.objects.filter(
            user_id__in=user_ids, community__isnull=True, tag__isnull=True
        ).values_list("user_id", "points")
    )


# --- Everything, from the source tables ---------------------------------------------


def _expected_all() -> dict:
    """Every ledger row the source tables call for, built with a handful of queries."""
    from koinon.discussions.models import Post, Reaction, ReactionKind, Topic
    from koinon.library.models import Adoption, Practice
    from koinon.network.models import Endorsement

    p = rules.points()
    expected = {}
    counting = {"post__author__isnull": False, "post__is_anonymous": False}
    counting["post__deleted_at__isnull"] = True
    if hasattr(Post, "hidden_at"):
        counting["post__hidden_at__isnull"] = True
    reactions = (
        Reaction.objects.filter(kind=ReactionKind.HELPFUL, **counting)
        .values_list(
            "pk",
            "created_at",
            "post_id",
            "post__author_id",
            "post__topic_id",
            "post__topic__community_id",
            "user_id",
        )
        .iterator(chunk_size=5000)
    )
    for pk, created, post_id, author, topic_id, community_id, reactor in reactions:
        if reactor == author:
            continue
        expected[(Source.HELPFUL.value, pk, author)] = {
            "points": p["helpful"],
            "community_id": community_id,
            "topic_id": topic_id,
            "post_id": post_id,
            "practice_id": None,
            "created_at": created,
        }
    answered = {f"accepted_answer__{k.removeprefix('post__')}": v for k, v in counting.items()}
    topics = (
        Topic.objects.filter(accepted_answer__isnull=False, **answered)
        .values_list(
            "pk", "community_id", "author_id", "accepted_answer_id", "accepted_answer__author_id"
        )
        .iterator(chunk_size=5000)
    )
    now = timezone.now()
    for pk, community_id, asker, answer_id, answerer in topics:
        if answerer == asker:
            continue
        expected[(Source.ACCEPTED.value, answer_id, answerer)] = {
            "points": p["accepted"],
            "community_id": community_id,
            "topic_id": pk,
            "post_id": answer_id,
            "practice_id": None,
            "created_at": now,
        }
    earners = defaultdict(set)
    for practice_id, user_id in Practice.maintainers.through.objects.values_list(
        "practice_id", "user_id"
    ):
        earners[practice_id].add(user_id)
    communities = {}
    for practice_id, creator, community_id in Practice.objects.values_list(
        "pk", "created_by_id", "community_id"
    ):
        communities[practice_id] = community_id
        if creator:
            earners[practice_id].add(creator)
    for pk, practice_id, adopter, created in Adoption.objects.values_list(
        "pk", "practice_id", "user_id", "created_at"
    ).iterator(chunk_size=5000):
        for earner in earners[practice_id] - {adopter}:
            expected[(Source.ADOPTED.value, pk, earner)] = {
                "points": p["adopted"],
                "community_id": communities[practice_id],
                "topic_id": None,
                "post_id": None,
                "practice_id": practice_id,
                "created_at": created,
            }
    for pk, person, created in Endorsement.objects.values_list(
        "pk", "person_id", "created_at"
    ).iterator(chunk_size=5000):
        expected[(Source.ENDORSED.value, pk, person)] = {
            "points": p["endorsed"],
            "community_id": None,
            "topic_id": None,
            "post_id": None,
            "practice_id": None,
            "created_at": created,
        }
    return expected


@transaction.atomic
def rebuild(chunk: int = 1000) -> dict:
    """Make the whole ledger and every sum match the source tables; return counts."""
    expected = _expected_all()
    existing = {
        (s, sid, u): (pk, pts, c, t, po, pr, created)
        for pk, s, sid, u, pts, c, t, po, pr, created in ReputationEvent.objects.values_list(
            "pk",
            "source",
            "source_id",
            "user_id",
            "points",
            "community_id",
            "topic_id",
            "post_id",
            "practice_id",
            "created_at",
        ).iterator(chunk_size=5000)
    }
    gone, changed = [], []
    for key, row in existing.items():
        want = expected.get(key)
        if want is None:
            gone.append(row[0])
        elif row[1:6] != tuple(want[f] for f in FIELDS):
            changed.append(row[0])
            if key[0] == Source.ACCEPTED:
                want["created_at"] = row[6]  # an accepted answer keeps its first date
        else:
            del expected[key]  # already right
    stale = gone + changed
    for i in range(0, len(stale), chunk):
        ReputationEvent.objects.filter(pk__in=stale[i : i + chunk]).delete()
    ReputationEvent.objects.bulk_create(
        [
            ReputationEvent(source=k[0], source_id=k[1], user_id=k[2], **fields)
            for k, fields in expected.items()
        ],
        batch_size=chunk,
    )
    users = list(ReputationEvent.objects.values_list("user_id", flat=True).distinct().order_by())
    ReputationScore.objects.exclude(user_id__in=ReputationEvent.objects.values("user_id")).delete()
    for i in range(0, len(users), chunk):
        aggregate(users[i : i + chunk])
    return {
        "removed": len(gone),
        "changed": len(changed),
        "added": len(expected) - len(changed),
        "people": len(users),
    }
