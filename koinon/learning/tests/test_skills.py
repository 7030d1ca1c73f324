from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from koinon.accounts.tests.factories import PASSWORD, ProfileSkillFactory, SkillFactory
from koinon.learning import actions
from koinon.learning.models import GoalStatus, LearningGoal, SkillAssessment
from koinon.learning.tests.factories import members
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


@pytest.mark.parametrize("level", [0, 6, -1, "x", None])
def test_a_level_outside_1_to_5_is_a_clear_error(member, level):
    skill = SkillFactory(name="Facilitation")
    with pytest.raises(ActionError) as err:
        actions.do_assess_skill(member, skill=skill, level=level)
    assert err.value.field == "level" and "1 to 5" in str(err.value.message)


def test_the_database_refuses_a_level_outside_1_to_5(member):
    with pytest.raises(IntegrityError):
        SkillAssessment.objects.create(user=member, skill=SkillFactory(), level=7)


def test_an_assessment_cannot_be_in_the_future(member):
    with pytest.raises(ActionError) as err:
        actions.do_assess_skill(
            member, skill=SkillFactory(), level=3, assessed_on=date.today() + timedelta(days=1)
        )
    assert err.value.field == "assessed_on"


def test_goals_have_a_target_level_and_date_and_a_status(member, outsider):
    skill = SkillFactory(name="Facilitation")
    goal = actions.do_set_goal(
        member, skill=skill, target_level=4, target_date=date.today() + timedelta(days=90)
    )
    assert goal.status == GoalStatus.ACTIVE
    with pytest.raises(ActionError):
        actions.do_set_goal(member, skill=skill, target_level=9, target_date=date.today())
    with pytest.raises(ActionError) as err:
        actions.do_update_goal(outsider, goal, status="achieved")
    assert err.value.status == 403
    actions.do_update_goal(member, goal, status="achieved")
    assert LearningGoal.objects.get().status == "achieved"


def test_the_skill_page_draws_an_accessible_chart_with_a_table(client, member):
    skill = SkillFactory(name="Facilitation")
    today = date.today()
    for days, level in ((60, 2), (30, 3), (0, 4)):
        actions.do_assess_skill(
            member, skill=skill, level=level, assessed_on=today - timedelta(days)
        )
    login(client, member)
    response = client.get(reverse("learning-skill-history", args=[skill.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="skill-chart"' in body and 'role="img"' in body
    assert '<title id="chart-title">Level of Facilitation over time</title>' in body
    assert body.count("<circle") == 3
    assert "<table" in body and "<caption>Assessments</caption>" in body
    assert "<script" not in body.split("<main", 1)[-1].split("</main>")[0]


def test_the_chart_places_higher_levels_higher():
    from koinon.learning.charts import level_chart

    chart = level_chart([(date(2026, 1, 1), 1), (date(2026, 2, 1), 5)])
    low, high = chart["points"]
    assert high.y < low.y and high.x > low.x


def test_someone_else_s_skill_history_is_404(client, member, outsider):
    skill = SkillFactory(name="Facilitation")
    actions.do_assess_skill(member, skill=skill, level=3)
    login(client, outsider)
    assert client.get(reverse("learning-skill-history", args=[skill.pk])).status_code == 404


def test_the_skills_page_refuses_a_bad_level_as_a_form_error(client, member):
    login(client, member)
    response = client.post(
        reverse("learning-my-skills"), {"form": "assessment", "skill": "Facilitation", "level": "8"}
    )
    assert response.status_code == 400
    assert not SkillAssessment.objects.exists()
    ok = client.post(
        reverse("learning-my-skills"), {"form": "assessment", "skill": "Facilitation", "level": "3"}
    )
    assert ok.status_code == 302
    goal = client.post(
        reverse("learning-my-skills"),
        {"form": "goal", "skill": "Facilitation", "target_level": "5", "target_date": "2030-01-01"},
    )
    assert goal.status_code == 302
    page = client.get(reverse("learning-my-skills")).content.decode()
    assert "Facilitation to level 5" in page


def test_the_skills_map_counts_members_per_level_in_one_query(
    client, community, member, outsider, django_assert_num_queries
):
    facilitation, listening = SkillFactory(name="Facilitation"), SkillFactory(name="Listening")
    people = members(community, 5)
    for i, person in enumerate(people):
        ProfileSkillFactory(user=person, skill=facilitation, level=1 + i % 3)
    ProfileSkillFactory(user=people[0], skill=listening, level=5)
    ProfileSkillFactory(user=outsider, skill=listening, level=5)  # not a member: not counted
    with django_assert_num_queries(1):
        result = actions.skills_map(community)
    assert result[0]["name"] == "Facilitation" and result[0]["levels"] == [2, 2, 1, 0, 0]
    assert result[1]["name"] == "Listening" and result[1]["levels"] == [0, 0, 0, 0, 1]
    login(client, member)
    response = client.get(reverse("learning-skills-map", args=["pm"]))
    assert response.status_code == 200 and "Facilitation" in response.content.decode()


def test_evidence_shows_completed_programmes_that_develop_the_skill(
    client, programme, cohort, member, mentor
):
    skill = SkillFactory(name="Facilitation")
    programme.skills.add(skill)
    enrolment = actions.do_enrol(member, cohort)
    actions.do_mark_completion(mentor, enrolment)
    actions.do_assess_skill(member, skill=skill, level=3)
    login(client, member)
    body = client.get(reverse("learning-skill-history", args=[skill.pk])).content.decode()
    assert "Completed “Facilitation basics”" in body


def test_the_chart_coordinates_are_not_localised_in_italian(client, member):
    skill = SkillFactory(name="Facilitation")
    actions.do_assess_skill(member, skill=skill, level=2, assessed_on=date.today() - timedelta(9))
    actions.do_assess_skill(member, skill=skill, level=4)
    member.language = "it"
    member.save()
    login(client, member)
    body = client.get(reverse("learning-skill-history", args=[skill.pk])).content.decode()
    svg = body.split("<svg", 1)[1].split("</svg>", 1)[0]
    import re

    for value in re.findall(r'(?:x1|x2|y1|y2|cx|cy|x|y)="([^"]*)"', svg):
        assert "," not in value, value
    points = re.search(r'points="([^"]*)"', svg).group(1)
    assert points.count(",") == 2
