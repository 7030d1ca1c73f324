"""Read-side helpers for the network pages: every list starts from the policy."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from koinon.accounts.models import ProfileSkill, User
from koinon.accounts.policy import visible_people_for
from koinon.communities.models import Community, Membership
from koinon.network.models import Connection, ConnectionStatus, Endorsement, Follow

SUGGESTION_CANDIDATES = 300
EXPERT_LEVEL = 4
LEARNING_LEVEL = 2


def connections_of(person, viewer):
    """`person`'s accepted connections whose profiles `viewer` may see."""
    accepted = Connection.objects.filter(status=ConnectionStatus.ACCEPTED)
    ids = accepted.filter(Q(low=person) | Q(high=person)).values_list("low_id", "high_id")
    other_ids = {uid for row in ids for uid in row} - {person.pk}
    return (
        visible_people_for(viewer)
        .filter(pk__in=other_ids)
        .select_related("profile")
        .order_by("profile__display_name", "email")
    )


def incoming_requests(user):
    return (
        Connection.objects.filter(Q(low=user) | Q(high=user), status=ConnectionStatus.PENDING)
        .exclude(requested_by=user)
        .select_related("requested_by__profile")
        .order_by("-created_at")
    )


def outgoing_requests(user):
    return (
        Connection.objects.filter(requested_by=user)
        .exclude(status=ConnectionStatus.ACCEPTED)
        .select_related("low__profile", "high__profile")
        .order_by("-created_at")
    )


def follow_counts(person) -> dict:
    return {
        "followers": Follow.objects.filter(followed=person).count(),
        "following": Follow.objects.filter(follower=person).count(),
    }


@dataclass
class Relation:
    """How the viewer stands with a person, for the buttons on their pages."""

    connection: Connection | None = None
    follows: bool = False
    blocked: bool = False

    @property
    def connected(self) -> bool:
        return bool(self.connection and self.connection.status == ConnectionStatus.ACCEPTED)

    @property
    def pending(self) -> bool:
        return bool(self.connection and self.connection.status != ConnectionStatus.ACCEPTED)


def relation(viewer, person) -> Relation:
    from koinon.messaging.models import Block
    from koinon.network.policy import connection_between

    if not viewer.is_authenticated or viewer.pk == person.pk:
        return Relation()
    return Relation(
        connection=connection_between(viewer, person),
        follows=Follow.objects.filter(follower=viewer, followed=person).exists(),
        blocked=Block.objects.filter(blocker=viewer, blocked=person).exists(),
    )


# --- People you may want to meet --------------------------------------------------


@dataclass
class Suggestion:
    person: User
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _excluded_ids(user) -> set[int]:
    """Connections (any state), blocks either way, and the user."""
    from koinon.messaging.models import Block

    ids = {user.pk}
    for low, high in Connection.objects.filter(Q(low=user) | Q(high=user)).values_list(
        "low_id", "high_id"
    ):
        ids |= {low, high}
    for a, b in Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    ):
        ids |= {a, b}
    return ids


def _candidates(user, excluded) -> dict[int, list[int]]:
    """Up to SUGGESTION_CANDIDATES visible people sharing the most communities with `user`,
    as {id: [shared community ids]}."""
    mine = Membership.objects.filter(user=user).values("community_id")
    visible = visible_people_for(user).values("pk")
    ranked = (
        Membership.objects.filter(community_id__in=mine, user_id__in=visible)
        .exclude(user_id__in=excluded)
        .values("user_id")
        .annotate(n=Count("community_id"))
        .order_by("-n", "user_id")[:SUGGESTION_CANDIDATES]
    )
    ids = [row["user_id"] for row in ranked]
    shared: dict[int, list[int]] = {uid: [] for uid in ids}
    for uid, cid in Membership.objects.filter(user_id__in=ids, community_id__in=mine).values_list(
        "user_id", "community_id"
    ):
        shared[uid].append(cid)
    return shared


def suggestions(user, limit: int = 10) -> list[Suggestion]:
    """People `user` may want to meet, best first, each with the reasons.

    1. Candidates: visible people who share a community, not already connected,
       requested or blocked (the 300 sharing most communities).
    2. Score: 2 per shared community; 3 per skill they hold at level 4+ that
       `user` holds lower (or lacks, 1 point, at most 3 such); 4 when they are open
       to mentoring in a skill `user` is learning (level 1–2).
    3. Best `limit` by score, then name. Eight queries whatever the numbers.
    """
    excluded = _excluded_ids(user)
    shared = _candidates(user, excluded)
    if not shared:
        return []
    mine = dict(ProfileSkill.objects.filter(user=user).values_list("skill_id", "level"))
    theirs = ProfileSkill.objects.filter(
        user_id__in=list(shared), level__gte=EXPERT_LEVEL
    ).select_related("skill")
    people = {p.pk: p for p in User.objects.filter(pk__in=list(shared)).select_related("profile")}
    names = dict(
        Community.objects.filter(pk__in={c for cs in shared.values() for c in cs}).values_list(
            "pk", "name"
        )
    )
    results = {uid: Suggestion(person=people[uid]) for uid in shared if uid in people}
    for uid, cids in shared.items():
        if uid in results:
            _add_communities(results[uid], sorted(names[c] for c in cids))
    lacked: dict[int, int] = {}
    for ps in theirs:
        result = results.get(ps.user_id)
        if result is not None:
            _add_skill(result, ps, mine, lacked)
    ranked = sorted(
        results.values(), key=lambda s: (-s.score, s.person.display_name.lower(), s.person.pk)
    )
    return ranked[:limit]


def _add_communities(result: Suggestion, names: list[str]) -> None:
    result.score += 2 * len(names)
    result.reasons.append(
        _("Shares %(n)s of your communities: %(names)s")
        % {"n": len(names), "names": ", ".join(names)}
        if len(names) > 1
        else _("Also in %(name)s") % {"name": names[0]}
    )


def _add_skill(result: Suggestion, ps, mine: dict, lacked: dict) -> None:
    my_level = mine.get(ps.skill_id)
    profile = result.person.profile
    if my_level is not None and my_level <= LEARNING_LEVEL and profile.open_to_mentoring:
        result.score += 4
        result.reasons.append(
            _("Open to mentoring in %(skill)s, which you are learning") % {"skill": ps.skill.name}
        )
    elif my_level is not None and my_level < ps.level:
        result.score += 3
        result.reasons.append(
            _("Knows %(skill)s at level %(theirs)s (you: %(mine)s)")
            % {"skill": ps.skill.name, "theirs": ps.level, "mine": my_level}
        )
    elif my_level is None and lacked.get(ps.user_id, 0) < 3:
        lacked[ps.user_id] = lacked.get(ps.user_id, 0) + 1
        result.score += 1
        result.reasons.append(
            _("Knows %(skill)s at level %(level)s, a skill you do not list")
            % {"skill": ps.skill.name, "level": ps.level}
        )


# --- Endorsements -------------------------------------------------------------------


def endorsement_count(person) -> int:
    """Endorsements `person` received, for reputation."""
    return Endorsement.objects.filter(person=person).count()


def endorsement_counts(person_ids) -> dict[int, int]:
    """{person id: endorsements received} for many people in one query."""
    rows = (
        Endorsement.objects.filter(person_id__in=list(person_ids))
        .values("person_id")
        .annotate(n=Count("id"))
    )
    return {row["person_id"]: row["n"] for row in rows}
