"""A reading of the community's life stage, after Wenger's five stages of a community
of practice, from the figures alone.

The rule is explicit, ordered and shown on the page beside the figures it read:

1. **Potential**: fewer than 5 members, or fewer than 3 of them took part in the
   last 90 days: people are finding each other.
2. **Transformation**: at least a year old and its activity in the last 90 days
   fell below half of the 90 days before: it is fading or turning into something else.
3. **Stewardship**: at least a year old, everything of *maturing* below, and the
   knowledge is reused (a practice adopted or a resource used in 90 days) and
   newcomers stay (at least half of those due still take part at 90 days, when any
   are due).
4. **Maturing**: a rhythm (the cadence kept; without a cadence, 3 meetings held in
   90 days), questions answered (at least half of the recent ones, or none asked)
   and knowledge built (a practice, resource or lesson added in 90 days).
5. **Coalescing**: otherwise: people take part, the rhythm and the shared
   knowledge are still forming.
"""

from django.utils.translation import gettext_lazy as _

MIN_MEMBERS = 5
MIN_PARTICIPANTS = 3
MATURE_DAYS = 365
MEETINGS_WITHOUT_CADENCE = 3
ANSWERED_SHARE = 50
RETENTION_SHARE = 50

STAGES = {
    "potential": (
        _("Potential"),
        _("People with a shared interest are finding each other; little shared activity yet."),
    ),
    "coalescing": (
        _("Coalescing"),
        _("Members take part, but the rhythm and the shared knowledge are still forming."),
    ),
    "maturing": (
        _("Maturing"),
        _("The community keeps its rhythm, answers its questions and builds its knowledge."),
    ),
    "stewardship": (
        _("Stewardship"),
        _(
            "A settled community: its knowledge is reused and newcomers stay. "
            "The task now is to keep it relevant."
        ),
    ),
    "transformation": (
        _("Transformation"),
        _("Activity has fallen sharply: the community is fading, or turning into something new."),
    ),
}

CHECKS = {
    "members": _("At least 5 members"),
    "participants": _("At least 3 members took part in the last 90 days"),
    "mature": _("At least a year old"),
    "not_halved": _("Activity of the last 90 days at least half of the 90 days before"),
    "rhythm": _("Rhythm kept: the cadence, or 3 meetings held in 90 days without a cadence"),
    "answers": _("At least half of the questions of the last 90 days answered (or none asked)"),
    "knowledge_built": _("A practice, resource or lesson added in the last 90 days"),
    "knowledge_reused": _("A practice adopted or a resource used in the last 90 days"),
    "newcomers_stay": _(
        "At least half of the newcomers due still take part after 90 days (or none due)"
    ),
}


def checks_for(insights) -> dict[str, bool]:
    levels = insights.participation
    taking_part = levels["core"] + levels["active"] + levels["peripheral"]
    meetings = insights.meetings
    if meetings["cadence_kept"] is not None:
        rhythm = meetings["cadence_kept"]
    else:
        rhythm = meetings["held_90"] >= MEETINGS_WITHOUT_CADENCE
    answered = insights.questions["answered_share"]
    retention = insights.newcomers["retention_90"]
    activity = insights.activity
    knowledge = insights.knowledge
    return {
        "members": insights.members >= MIN_MEMBERS,
        "participants": taking_part >= MIN_PARTICIPANTS,
        "mature": insights.age_days >= MATURE_DAYS,
        "not_halved": 2 * activity["recent"] >= activity["before"],
        "rhythm": rhythm,
        "answers": answered is None or answered >= ANSWERED_SHARE,
        "knowledge_built": knowledge["knowledge_added_90"] > 0,
        "knowledge_reused": knowledge["adoptions_90"] + knowledge["resource_uses_90"] > 0,
        "newcomers_stay": retention is None or retention >= RETENTION_SHARE,
    }


def stage_key(checks: dict[str, bool]) -> str:
    if not (checks["members"] and checks["participants"]):
        return "potential"
    if checks["mature"] and not checks["not_halved"]:
        return "transformation"
    maturing = checks["rhythm"] and checks["answers"] and checks["knowledge_built"]
    if maturing and checks["mature"] and checks["knowledge_reused"] and checks["newcomers_stay"]:
        return "stewardship"
    if maturing:
        return "maturing"
    return "coalescing"


def life_stage(insights) -> dict:
    checks = checks_for(insights)
    key = stage_key(checks)
    label, description = STAGES[key]
    return {
        "key": key,
        "label": str(label),
        "description": str(description),
        "checks": [
            {"key": name, "label": str(CHECKS[name]), "met": met} for name, met in checks.items()
        ],
    }
