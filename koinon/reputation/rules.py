"""Every rule of reputation and trust levels, in one place.

Points (override with the setting `REPUTATION_POINTS`, a dict merged over these):
a "helpful" reaction on one's post, one's answer accepted, one's practice adopted by
someone else (every maintainer and the author earn it), one of one's skills endorsed.

Trust levels (override with `REPUTATION_TRUST_LEVELS`: a dict of level → dict of
requirements, merged over these). In the spirit of Discourse's defaults
(`config/site_settings.yml`, section `trust`; see shared/anchors/reliability.md),
adapted to what Koinon records: we know when someone joined, which topics they have
read and how far (`TopicState.last_read_at`), what they wrote and their reputation,
but not minutes spent or days visited, so days since joining stand in for those.
A level needs every requirement of that level and of the levels below it.
Level 4 (Leader) is manual in Discourse; here it also needs a strong, proven record,
and staff may set any level by hand (admin: Trust levels → level set by staff).
Set a level's requirements to `None` to make it reachable only by hand.
"""

from datetime import timedelta

from django.conf import settings

POINTS = {
    "helpful": 5,
    "accepted": 15,
    "adopted": 10,
    "endorsed": 2,
}

# What each level needs: time since joining, topics read, posts read, posts written
# (replies and opening posts, not deleted), and reputation (overall).
TRUST_LEVELS = {
    1: {  # Discourse: 5 topics entered, 30 posts read, 10 minutes spent
        "joined_for": timedelta(minutes=10),
        "topics_entered": 5,
        "posts_read": 30,
        "posts_written": 0,
        "reputation": 0,
    },
    2: {  # Discourse: 20 topics, 100 posts read, 15 days visited, 3 replies, 1 like
        "joined_for": timedelta(days=15),
        "topics_entered": 20,
        "posts_read": 100,
        "posts_written": 3,
        "reputation": POINTS["helpful"],
    },
    3: {  # Discourse: 50 days visited of 100, 200 topics and 500 posts read, 10 replies
        "joined_for": timedelta(days=50),
        "topics_entered": 200,
        "posts_read": 500,
        "posts_written": 10,
        "reputation": 100,
    },
    4: {  # Discourse: manual only
        "joined_for": timedelta(days=180),
        "topics_entered": 500,
        "posts_read": 2000,
        "posts_written": 100,
        "reputation": 1000,
    },
}

# How long a stored level is trusted before a page asks for a fresh one.
FRESH_FOR = timedelta(hours=1)


def points() -> dict:
    return {**POINTS, **getattr(settings, "REPUTATION_POINTS", {})}


def trust_levels() -> dict:
    """Level → requirements (or None: manual only), with the settings merged in."""
    overrides = getattr(settings, "REPUTATION_TRUST_LEVELS", {})
    merged = {}
    for level, needs in TRUST_LEVELS.items():
        if level in overrides and overrides[level] is None:
            merged[level] = None
        else:
            merged[level] = {**needs, **(overrides.get(level) or {})}
    return merged


def level_for(stats: dict) -> int:
    """The highest level whose requirements (and those below) `stats` meets.

    `stats` holds `joined_for` (a timedelta) and the counts named in the rules.
    """
    level = 0
    for candidate in sorted(trust_levels()):
        needs = trust_levels()[candidate]
        if needs is None or not all(stats.get(key, 0) >= need for key, need in needs.items()):
            break
        level = candidate
    return level


def max_needed(key: str) -> int:
    """The largest requirement for one count; counting beyond it changes nothing."""
    return max((needs or {}).get(key, 0) for needs in trust_levels().values())
