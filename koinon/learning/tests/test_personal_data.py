"""Learning in the data export and the erasure of an account."""

import pytest

from koinon.learning import actions, personal_data
from koinon.learning.models import Enrolment, HandIn, LearningGoal, SkillAssessment

pytestmark = pytest.mark.django_db


def test_export_and_erase(cohort, modules, member):
    from datetime import date, timedelta

    _reading, reflection, _quiz = modules
    actions.do_enrol(member, cohort)
    actions.do_save_draft(member, cohort, reflection, text="Half a thought")
    skill = actions.skill_named("Listening")
    actions.do_assess_skill(member, skill=skill, level=2)
    actions.do_set_goal(
        member, skill=skill, target_level=4, target_date=date.today() + timedelta(days=90)
    )
    thread = actions.do_start_thread(member, cohort, title="Hello", body="Hi all")
    data = personal_data.export(member)
    assert data["enrolments"][0]["status"] == "active"
    assert data["hand_ins"][0]["text"] == "Half a thought"
    assert data["skill_assessments"][0]["level"] == 2
    assert data["learning_goals"][0]["target_level"] == 4
    assert data["cohort_messages"] == [
        {"cohort": cohort.name, "conversation": thread.title, "body": "Hi all"}
    ]
    personal_data.erase(member)
    assert not SkillAssessment.objects.filter(user=member).exists()
    assert not LearningGoal.objects.filter(user=member).exists()
    assert not HandIn.objects.filter(enrolment__user=member).exists()
    assert Enrolment.objects.get(user=member).status == "withdrawn"
