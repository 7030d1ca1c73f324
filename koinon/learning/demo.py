"""Demo learning: a programme with three modules and a running cohort (progress, a
hand-in, a conversation in its discussion space), and a skill history with a goal.

Idempotent: nothing is added when the programme already exists.
"""

from datetime import timedelta

from django.utils import timezone

from koinon.communities.models import Community
from koinon.learning import actions
from koinon.learning.models import Programme, SkillAssessment

SLUG = "sql-foundations"


def populate(users: dict, report) -> None:
    community = Community.objects.filter(slug="data-analysis-programme").first()
    if community is None or Programme.objects.filter(community=community, slug=SLUG).exists():
        return
    lead = users["marco.bianchi"]
    programme = actions.do_create_programme(
        lead,
        community,
        title="SQL foundations / Fondamenti di SQL",
        slug=SLUG,
        description=(
            "Four weeks from spreadsheets to queries: selecting, joining and grouping the "
            "data your team already has.\n\n"
            "Quattro settimane dai fogli di calcolo alle query."
        ),
        outcomes="Write a query that answers a real question\nJoin two tables safely\n"
        "Explain a GROUP BY to a colleague",
        skills=[actions.skill_named("SQL"), actions.skill_named("Excel")],
        facilitators=[users["james.carter"], users["sophie.turner"]],
        criteria=["The query answers the question", "The explanation is clear"],
    )
    actions.do_add_module(
        lead,
        programme,
        title="Thinking in tables",
        content="Rows, columns and keys: why a spreadsheet is almost a table.",
    )
    reflection = actions.do_add_module(
        lead,
        programme,
        title="Your first question to the data",
        content="Pick a question your team asks every month.",
        activity="reflection",
        activity_prompt="Which question did you answer, and what surprised you?",
    )
    actions.do_add_module(
        lead,
        programme,
        title="Check: joins",
        activity="quiz",
        questions=[
            (
                "Which join keeps every row of the left table?",
                [("LEFT JOIN", True), ("INNER JOIN", False)],
            ),
            ("What does GROUP BY need next to it?", [("An aggregate", True), ("A JOIN", False)]),
        ],
    )
    today = timezone.localdate()
    cohort = actions.do_create_cohort(
        lead,
        programme,
        name="SQL foundations, autumn",
        starts_on=today - timedelta(days=14),
        ends_on=today + timedelta(days=14),
        capacity=12,
        handin_deadline=timezone.now() + timedelta(days=7),
    )
    first = programme.modules.order_by("order").first()
    for handle in ("priya.nair", "oliver.hughes", "federica.lombardi", "matteo.esposito"):
        actions.do_enrol(users[handle], cohort)
        actions.do_mark_done(users[handle], cohort, first)
    actions.do_submit_hand_in(
        users["priya.nair"],
        cohort,
        reflection,
        text="How many loans were renegotiated each month? The answer took one GROUP BY.",
    )
    actions.do_save_draft(
        users["oliver.hughes"], cohort, reflection, text="Started with branch totals…"
    )
    thread = actions.do_start_thread(
        users["federica.lombardi"],
        cohort,
        title="NULLs in our customer table",
        body="Why does `COUNT(email)` give fewer rows than `COUNT(*)`?",
    )
    actions.do_reply(
        users["james.carter"],
        thread,
        body="COUNT(column) skips NULLs: that is the number of customers with an e-mail.",
    )
    priya = users["priya.nair"]
    skill = actions.skill_named("SQL")
    if not SkillAssessment.objects.filter(user=priya, skill=skill).exists():
        for weeks_ago, level in ((10, 1), (6, 2), (2, 3)):
            actions.do_assess_skill(
                priya, skill=skill, level=level, assessed_on=today - timedelta(weeks=weeks_ago)
            )
        actions.do_set_goal(
            priya, skill=skill, target_level=4, target_date=today + timedelta(days=60)
        )
    report.add("programmes")
    report.add("cohorts")
