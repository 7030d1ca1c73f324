from datetime import date

import pytest
from django.test import Client

from koinon.communities.models import Visibility
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError
from koinon.library.models import Lesson
from koinon.projects import actions
from koinon.projects.models import Experiment
from koinon.projects.tests.factories import ExperimentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def experiment(community, member, mentor):
    experiment = ExperimentFactory(community=community, author=member, title="Timer stand-ups")
    experiment.participants.add(mentor)
    return experiment


def _form(**overrides):
    data = {
        "title": "Silent brainstorming",
        "hypothesis": "Quiet people will add more ideas.",
        "tried": "Five minutes of writing before talking.",
        "measure": "Ideas per person.",
        "starts_on": "2027-01-10",
        "ends_on": "2027-02-10",
    }
    data.update(overrides)
    return data


def test_member_starts_an_experiment_from_an_idea(community, member, mentor):
    idea = IdeaFactory(community=community, author=mentor)
    client = client_for(member)
    page = client.get(f"/c/pm/experiments/new/?idea={idea.pk}")
    assert page.status_code == 200 and idea.title in page.content.decode()
    response = client.post(
        "/c/pm/experiments/new/", {**_form(participants=[mentor.pk]), "idea": idea.pk}
    )
    experiment = Experiment.objects.get()
    assert response.status_code == 302
    assert experiment.idea == idea and experiment.author == member
    assert list(experiment.participants.all()) == [mentor]
    assert idea.title in client.get(experiment.get_absolute_url()).content.decode()
    assert experiment.title in client.get(idea.get_absolute_url()).content.decode()


def test_an_experiment_from_scratch_needs_no_idea(community, member):
    client_for(member).post("/c/pm/experiments/new/", _form())
    assert Experiment.objects.get().idea is None


def test_end_before_start_is_a_form_error(community, member):
    response = client_for(member).post(
        "/c/pm/experiments/new/", _form(starts_on="2027-02-10", ends_on="2027-01-10")
    )
    assert response.status_code == 400
    assert "The end cannot come before the start." in response.content.decode()
    assert not Experiment.objects.exists()


def test_a_participant_must_be_a_member(community, member, outsider):
    with pytest.raises(ActionError) as error:
        actions.do_create_experiment(
            member,
            community,
            participants=[outsider],
            **{k: v for k, v in _form().items() if "_on" not in k},
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 2, 1),
        )
    assert error.value.field == "participants"


def test_closing_without_an_outcome_is_a_clear_error(experiment, member):
    response = client_for(member).post(
        f"/c/pm/experiments/{experiment.pk}/close/", {"outcome": "", "learned": "x"}
    )
    assert response.status_code == 400
    assert "Say how it went" in response.content.decode()
    experiment.refresh_from_db()
    assert not experiment.is_closed and not Lesson.objects.exists()


def test_closing_without_what_we_learned_is_a_clear_error(experiment, member):
    with pytest.raises(ActionError) as error:
        actions.do_close_experiment(member, experiment, outcome="failed", learned="  ")
    assert error.value.field == "learned"
    assert not Lesson.objects.exists()


def test_a_failed_experiment_becomes_a_lesson_linked_both_ways(experiment, member, mentor):
    response = client_for(mentor).post(
        f"/c/pm/experiments/{experiment.pk}/close/",
        {"outcome": "failed", "learned": "Timers made people rush, not focus."},
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    lesson = experiment.lesson
    assert experiment.is_closed and experiment.outcome == "failed"
    assert lesson.title == "Timer stand-ups" and lesson.outcome == "failed"
    assert lesson.learned == "Timers made people rush, not focus."
    assert lesson.experiment == experiment
    assert f"http://testserver{experiment.get_absolute_url()}" in lesson.context
    assert ActivityEntry.objects.filter(verb="experiment.closed").exists()
    page = client_for(member).get(experiment.get_absolute_url()).content.decode()
    assert lesson.get_absolute_url() in page
    errors = client_for(member).get("/c/pm/lessons/errors/").content.decode()
    assert "Timer stand-ups" in errors


def test_closing_twice_is_a_409(experiment, member):
    actions.do_close_experiment(member, experiment, outcome="worked", learned="Yes")
    with pytest.raises(ActionError) as error:
        actions.do_close_experiment(member, experiment, outcome="failed", learned="No")
    assert error.value.status == 409
    assert Lesson.objects.count() == 1


def test_a_member_who_is_not_taking_part_cannot_close(experiment, moderator, community):
    from koinon.communities.tests.factories import MembershipFactory

    other = MembershipFactory(community=community).user
    response = client_for(other).post(
        f"/c/pm/experiments/{experiment.pk}/close/", {"outcome": "failed", "learned": "x"}
    )
    assert response.status_code == 403
    actions.do_close_experiment(moderator, experiment, outcome="partly", learned="Some")
    assert Lesson.objects.get().outcome == "partly"


def test_an_invalid_outcome_is_a_form_error(experiment, member):
    response = client_for(member).post(
        f"/c/pm/experiments/{experiment.pk}/close/", {"outcome": "great", "learned": "x"}
    )
    assert response.status_code == 400


def test_the_list_runs_bounded_queries(community, member, mentor, django_assert_max_num_queries):
    idea = IdeaFactory(community=community, author=member)
    for _i in range(30):
        e = ExperimentFactory(community=community, author=member, idea=idea)
        e.participants.add(mentor)
    client = client_for(member)
    with django_assert_max_num_queries(15):
        response = client.get("/c/pm/experiments/")
    assert response.status_code == 200


def test_experiments_of_a_private_community_are_404_for_outsiders(experiment, community, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    client = client_for(outsider)
    assert client.get("/c/pm/experiments/").status_code == 404
    assert client.get(experiment.get_absolute_url()).status_code == 404
    assert client.post(f"/c/pm/experiments/{experiment.pk}/close/").status_code == 404


def test_an_impossible_date_is_a_form_error_not_a_500(community, member):
    response = client_for(member).post("/c/pm/experiments/new/", _form(starts_on="2027-13-45"))
    assert response.status_code == 400
    assert not Experiment.objects.exists()
