"""Every figure checked against the seeded history of `seed.py` (exact numbers)."""

import pytest

from koinon.insights.figures import community_insights
from koinon.insights.tests.seed import NOW, seed


@pytest.fixture
def world(community):
    return seed(community)


@pytest.fixture
def insights(world, community):
    return community_insights(community, now=NOW)


def test_members_over_time_counts_joins_and_departures(insights):
    rows = {r["month"]: r for r in insights.members_over_time}
    assert len(insights.members_over_time) == 12
    assert insights.members_over_time[0]["month"] == "2025-07"
    assert rows["2025-07"] == {"month": "2025-07", "joined": 0, "left": 0, "members": 2}
    assert rows["2025-11"]["joined"] == 1 and rows["2025-11"]["members"] == 3
    assert rows["2026-02"]["members"] == 4
    assert rows["2026-03"]["members"] == 5
    assert rows["2026-04"]["left"] == 1
    assert rows["2026-05"]["joined"] == 2 and rows["2026-05"]["members"] == 7
    assert rows["2026-06"] == {"month": "2026-06", "joined": 1, "left": 0, "members": 8}
    assert insights.members == 8


def test_weekly_active_members_counts_each_member_once_a_week(insights):
    weeks = {r["week"]: r["active_members"] for r in insights.weekly_active}
    assert len(weeks) == 12
    assert weeks["2026-06-15"] == 1  # olivia (the outsider's actions do not count)
    assert weeks["2026-06-08"] == 3  # mia, nina, marco
    assert weeks["2026-05-25"] == 1  # nico
    assert weeks["2026-05-04"] == 1  # nadia
    assert weeks["2026-04-27"] == 1  # olivia added a resource
    assert sum(weeks.values()) == 7


def test_participation_levels_follow_the_rule(insights):
    assert insights.participation == {"core": 1, "active": 1, "peripheral": 4, "inactive": 2}


def test_newcomer_retention_and_mentoring(insights):
    assert insights.newcomers == {
        "newcomers": 6,
        "with_mentor": 1,
        "with_mentor_share": 16.7,
        "eligible_30": 5,
        "retained_30": 4,
        "retention_30": 80.0,
        "eligible_90": 3,
        "retained_90": 2,
        "retention_90": 66.7,
    }


def test_questions_answered_median_and_unanswered(insights):
    q = insights.questions
    assert (q["asked"], q["answered"], q["answered_share"]) == (5, 2, 40.0)
    assert q["median_hours_to_first_answer"] == 6.0
    assert q["unanswered"] == 3
    assert [t["title"] for t in q["oldest_unanswered"]] == [
        "Q4 old and waiting",
        "Q6 only a deleted answer",
        "Q3 waiting",
    ]


def test_meetings_planned_held_cadence_and_attendance(insights):
    m = insights.meetings
    assert (m["planned_90"], m["held_90"]) == (4, 2)
    assert (m["cadence"], m["expected_90"], m["cadence_kept"]) == ("monthly", 3, False)
    assert (m["registered"], m["attended"], m["attendance_rate"]) == (5, 3, 60.0)
    months = {r["month"]: r for r in m["per_month"]}
    assert months["2026-06"] == {"month": "2026-06", "planned": 2, "held": 1}
    assert months["2026-05"] == {"month": "2026-05", "planned": 1, "held": 1}
    assert months["2026-04"] == {"month": "2026-04", "planned": 1, "held": 0}
    assert months["2025-11"] == {"month": "2025-11", "planned": 1, "held": 1}
    assert sum(r["planned"] for r in m["per_month"]) == 5


def test_knowledge_reuse_and_lessons(insights):
    assert insights.knowledge == {
        "adoptions_90": 1,
        "practices": 2,
        "practices_in_use": 1,
        "practices_in_use_share": 50.0,
        "resource_uses_90": 2,
        "lessons_90": 1,
        "lessons_total": 2,
        "knowledge_added_90": 2,
    }


def test_activity_trend(insights):
    assert insights.activity == {"recent": 40, "before": 1}


def test_life_stage_of_the_seeded_community_is_coalescing(insights):
    stage = insights.stage
    assert stage["key"] == "coalescing"
    met = {c["key"]: c["met"] for c in stage["checks"]}
    assert met == {
        "members": True,
        "participants": True,
        "mature": True,
        "not_halved": True,
        "rhythm": False,
        "answers": False,
        "knowledge_built": True,
        "knowledge_reused": True,
        "newcomers_stay": True,
    }


def test_an_empty_community_has_no_shares_and_is_potential(community):
    insights = community_insights(community, now=NOW)
    assert insights.members == 0
    assert insights.participation == {"core": 0, "active": 0, "peripheral": 0, "inactive": 0}
    assert insights.questions["answered_share"] is None
    assert insights.questions["median_hours_to_first_answer"] is None
    assert insights.newcomers["retention_30"] is None
    assert insights.meetings["attendance_rate"] is None
    assert insights.meetings["cadence_kept"] is None
    assert insights.stage["key"] == "potential"
