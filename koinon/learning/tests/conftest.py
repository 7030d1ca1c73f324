import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English; tests of the Italian text ask for it explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def programme(community, mentor):
    from koinon.learning import actions

    return actions.do_create_programme(
        mentor,
        community,
        title="Facilitation basics",
        description="Learn to *facilitate*.",
        outcomes="Run a retrospective\nHold a check-in",
        criteria=["Clarity", "Depth"],
    )


@pytest.fixture
def modules(programme, mentor):
    from koinon.learning import actions

    reading = actions.do_add_module(mentor, programme, title="Why facilitate", content="Read")
    reflection = actions.do_add_module(
        mentor,
        programme,
        title="Your last meeting",
        activity="reflection",
        activity_prompt="What went well?",
    )
    quiz = actions.do_add_module(
        mentor,
        programme,
        title="Check",
        activity="quiz",
        questions=[
            ("Who speaks first?", [("The facilitator", True), ("Nobody", False)]),
            ("How long is a check-in?", [("An hour", False), ("Minutes", True)]),
        ],
    )
    return reading, reflection, quiz


@pytest.fixture
def cohort(programme, mentor):
    from datetime import date, timedelta

    from koinon.learning import actions

    today = date.today()
    return actions.do_create_cohort(
        mentor,
        programme,
        name="Spring 2026",
        starts_on=today,
        ends_on=today + timedelta(days=60),
        capacity=10,
    )
