"""Proposing mentors for a mentoring request, with a score and the reasons behind it.

1. Fetch, in a handful of bulk queries whatever the number of offers: the skills
   wanted, the mentee's communities, every visible active offer (with the mentor's
   time zone), the places taken per offer, the levels of the wanted skills per offer,
   and how many of the mentee's communities each mentor belongs to.
2. Score each offer with spare capacity in pure Python. Every component is a
   reason with its points: skills (mentor's level × the mentee's wish), a shared
   language, the distance between time zones now, free places, shared communities.
3. Sort best first (ties: the older offer first) and turn only the returned
   matches into full offers and translated reasons.
"""

import heapq
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, TextField
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import get_language_info, gettext, ngettext

from koinon.communities.models import Membership
from koinon.mentoring.models import (
    TAKES_A_PLACE,
    MentoringOffer,
    MentoringRequest,
    Mentorship,
    OfferSkill,
    RequestSkill,
    Wish,
)

POINTS_PER_LEVEL = 5  # × level (1–5) × wish (1 useful, 2 a priority)
SHARED_LANGUAGE = 10
NO_SHARED_LANGUAGE = -10
SAME_TIME = 4
PER_HOUR_APART = -2
PER_FREE_PLACE = 2
MAX_FREE_PLACES_COUNTED = 3
PER_SHARED_COMMUNITY = 3
MAX_SHARED_COMMUNITIES_COUNTED = 5


@dataclass(frozen=True, slots=True)
class Reason:
    """One named component of a score; `text` is translated when it is read."""

    code: str
    points: int
    params: tuple = ()

    @property
    def text(self) -> str:
        return _TEXTS[self.code](*self.params)

    @property
    def signed_points(self) -> str:
        return f"+{self.points}" if self.points >= 0 else f"−{-self.points}"

    def __str__(self) -> str:
        return gettext("%(reason)s (%(points)s)") % {
            "reason": self.text,
            "points": self.signed_points,
        }


def _skill_text(name, level, wish):
    if wish == Wish.PRIORITY:
        return gettext("Knows %(skill)s at level %(level)d, one of your priorities") % {
            "skill": name,
            "level": level,
        }
    return gettext("Knows %(skill)s at level %(level)d") % {"skill": name, "level": level}


def _language_names(codes) -> str:
    names = [get_language_info(code)["name_translated"] for code in codes]
    return ", ".join(str(n) for n in names)


def _hours_text(hours: float) -> str:
    shown = formats.number_format(hours, 0 if hours == int(hours) else 1)
    return ngettext("%(hours)s hour apart", "%(hours)s hours apart", int(hours) or 2) % {
        "hours": shown
    }


_TEXTS = {
    "skill": _skill_text,
    "language": lambda codes: (
        gettext("Both speak %(languages)s") % {"languages": _language_names(codes)}
    ),
    "no_language": lambda: gettext("No language in common"),
    "same_time": lambda: gettext("Same time of day"),
    "time_zone": _hours_text,
    "capacity": lambda free: (
        ngettext("Has %(n)d free place", "Has %(n)d free places", free) % {"n": free}
    ),
    "communities": lambda n: (
        ngettext("Shares %(n)d community", "Shares %(n)d communities", n) % {"n": n}
    ),
}


@dataclass(slots=True)
class Match:
    offer_id: int
    mentor_id: int
    score: int
    reasons: list[Reason] = field(default_factory=list)
    free_places: int = 0
    offer: MentoringOffer | None = None


# --- 1. Bulk fetches ---------------------------------------------------------------------


def _candidate_rows(request: MentoringRequest, my_communities: list[int]):
    """(id, mentor_id, capacity, languages as JSON text, mentor's time zone, community id).

    Offers scoped to one of the mentee's communities, and platform-wide ones: the
    caller keeps only those whose mentor shares a community with the mentee (it holds
    that set already, which is cheaper than a subquery per row). The languages come as
    text so that identical lists are parsed once.
    """
    offers = MentoringOffer.objects.filter(
        Q(community_id__in=my_communities) | Q(community__isnull=True), is_active=True
    ).exclude(mentor_id=request.mentee_id)
    if request.community_id:
        offers = offers.filter(Q(community_id=request.community_id) | Q(community__isnull=True))
    return offers.order_by().values_list(
        "id",
        "mentor_id",
        "capacity",
        Cast("languages", TextField()),
        "mentor__profile__time_zone",
        "community_id",
    )


def _places_taken() -> dict[int, int]:
    rows = (
        Mentorship.objects.filter(status__in=TAKES_A_PLACE, offer__is_active=True)
        .values("offer_id")
        .annotate(n=Count("id"))
        .values_list("offer_id", "n")
    )
    return dict(rows)


def _levels(skill_ids) -> dict[int, list[tuple[int, int]]]:
    """offer id → [(skill id, level)] for the wanted skills only."""
    levels = defaultdict(list)
    if skill_ids:
        rows = OfferSkill.objects.filter(skill_id__in=skill_ids, offer__is_active=True)
        for offer_id, skill_id, level in rows.values_list("offer_id", "skill_id", "level"):
            levels[offer_id].append((skill_id, level))
    return levels


def _shared_counts(mentee_id: int, my_communities: list[int]) -> Counter:
    rows = Membership.objects.filter(community_id__in=my_communities).exclude(user_id=mentee_id)
    return Counter(rows.values_list("user_id", flat=True))


# --- 2. Scoring --------------------------------------------------------------------------


def _utc_offset_hours(name: str, now: datetime, cache: dict) -> float | None:
    if name not in cache:
        try:
            cache[name] = now.astimezone(ZoneInfo(name)).utcoffset().total_seconds() / 3600
        except (ValueError, KeyError, OSError):
            cache[name] = None
    return cache[name]


class _Scorer:
    """Scores with a few dict look-ups per offer; builds the reasons for the chosen few.

    Every component depends on one value of the offer (its skills, its languages' text,
    the mentor's time zone, the free places, the mentor), so each is memoised.
    """

    def __init__(self, wanted, levels, mentee_languages, mentee_offset, shared):
        self.wanted = wanted  # skill id → (name, wish)
        self.levels = levels  # offer id → [(skill id, level)]
        self.languages = mentee_languages
        self.offset = mentee_offset
        self.shared = shared  # mentor id → communities shared with the mentee
        self.now = timezone.now()
        self.offsets: dict = {}
        self.skill_points = {
            offer_id: sum(POINTS_PER_LEVEL * level * wanted[sid][1] for sid, level in rows)
            for offer_id, rows in levels.items()
        }
        self._parsed: dict = {}
        self._language_memo: dict = {}
        self._time_memo: dict = {}

    def parse_languages(self, raw) -> list:
        if raw not in self._parsed:
            value = json.loads(raw) if raw else []
            self._parsed[raw] = value if isinstance(value, list) else []
        return self._parsed[raw]

    def language_reason(self, raw) -> Reason | None:
        if raw not in self._language_memo:
            languages = self.parse_languages(raw)
            reason = None
            if self.languages and languages:
                common = tuple(code for code in self.languages if code in languages)
                reason = (
                    Reason("language", SHARED_LANGUAGE, (common,))
                    if common
                    else Reason("no_language", NO_SHARED_LANGUAGE)
                )
            self._language_memo[raw] = reason
        return self._language_memo[raw]

    def time_reason(self, time_zone) -> Reason | None:
        if time_zone not in self._time_memo:
            reason = None
            theirs = None
            if self.offset is not None and time_zone:
                theirs = _utc_offset_hours(time_zone, self.now, self.offsets)
            if theirs is not None:
                hours = abs(theirs - self.offset)
                reason = (
                    Reason("time_zone", round(PER_HOUR_APART * hours), (hours,))
                    if hours
                    else Reason("same_time", SAME_TIME)
                )
            self._time_memo[time_zone] = reason
        return self._time_memo[time_zone]

    def score(self, offer_id, mentor_id, free, raw_languages, time_zone) -> int:
        language = self._language_memo.get(raw_languages, 0)
        if language == 0:
            language = self.language_reason(raw_languages)
        time = self._time_memo.get(time_zone, 0)
        if time == 0:
            time = self.time_reason(time_zone)
        shared = self.shared.get(mentor_id, 0)
        return (
            self.skill_points.get(offer_id, 0)
            + (language.points if language else 0)
            + (time.points if time else 0)
            + PER_FREE_PLACE * (free if free < MAX_FREE_PLACES_COUNTED else MAX_FREE_PLACES_COUNTED)
            + PER_SHARED_COMMUNITY
            * (
                shared
                if shared < MAX_SHARED_COMMUNITIES_COUNTED
                else MAX_SHARED_COMMUNITIES_COUNTED
            )
        )

    def reasons(self, offer_id, mentor_id, free, raw_languages, time_zone) -> list[Reason]:
        reasons = sorted(
            (
                Reason(
                    "skill",
                    POINTS_PER_LEVEL * level * self.wanted[sid][1],
                    (self.wanted[sid][0], level, self.wanted[sid][1]),
                )
                for sid, level in self.levels.get(offer_id, ())
            ),
            key=lambda r: (-r.points, r.params[0].lower()),
        )
        reasons += filter(None, [self.language_reason(raw_languages), self.time_reason(time_zone)])
        counted = min(free, MAX_FREE_PLACES_COUNTED)
        reasons.append(Reason("capacity", PER_FREE_PLACE * counted, (free,)))
        shared = self.shared.get(mentor_id, 0)
        if shared:
            counted = min(shared, MAX_SHARED_COMMUNITIES_COUNTED)
            reasons.append(Reason("communities", PER_SHARED_COMMUNITY * counted, (shared,)))
        return reasons


def match_offers(request: MentoringRequest, *, limit: int | None = 10) -> list[Match]:
    """The visible active offers with a free place, best first, each with its reasons."""
    profile = getattr(request.mentee, "profile", None)
    wanted = {
        sid: (name, wish)
        for sid, name, wish in RequestSkill.objects.filter(request=request).values_list(
            "skill_id", "skill__name", "wish"
        )
    }
    my_communities = list(
        Membership.objects.filter(user_id=request.mentee_id).values_list("community_id", flat=True)
    )
    taken = _places_taken()
    time_zone = request.time_zone or (profile.time_zone if profile else "")
    scorer = _Scorer(
        wanted,
        _levels(list(wanted)),
        list(request.languages or (profile.languages if profile else [])),
        _utc_offset_hours(time_zone, timezone.now(), {}) if time_zone else None,
        _shared_counts(request.mentee_id, my_communities),
    )
    in_community = None
    if request.community_id:
        in_community = set(
            Membership.objects.filter(community_id=request.community_id).values_list(
                "user_id", flat=True
            )
        )
    shared, score = scorer.shared, scorer.score
    scored = []
    for offer_id, mentor_id, capacity, raw, tz, community_id in _candidate_rows(
        request, my_communities
    ):
        free = capacity - taken.get(offer_id, 0)
        if free <= 0 or (community_id is None and mentor_id not in shared):
            continue  # full, or platform-wide by someone who shares no community
        if in_community is not None and community_id is None and mentor_id not in in_community:
            continue
        row = (offer_id, mentor_id, free, raw, tz)
        scored.append((-score(*row), offer_id, row))
    best = heapq.nsmallest(limit, scored) if limit is not None else sorted(scored)
    return [
        Match(row[0], row[1], -negative, scorer.reasons(*row), row[2])
        for negative, _id, row in best
    ]


def with_offers(matches: list[Match]) -> list[Match]:
    """Attach each match's offer, mentor profile, community and skills (two queries)."""
    offers = MentoringOffer.objects.filter(pk__in=[m.offer_id for m in matches])
    offers = offers.select_related("mentor__profile", "community").prefetch_related(
        Prefetch("offer_skills", queryset=OfferSkill.objects.select_related("skill"))
    )
    by_id = {o.pk: o for o in offers}
    for match in matches:
        match.offer = by_id[match.offer_id]
    return matches
