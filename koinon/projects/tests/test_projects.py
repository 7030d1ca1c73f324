import threading
from datetime import date

import pytest
from django.db import connection
from django.test import Client

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError
from koinon.projects import actions
from koinon.projects.models import (
    Milestone,
    Project,
    ProjectLink,
    ProjectMember,
    ProjectUpdate,
    Task,
    TaskMove,
)
from koinon.projects.tests.factories import ProjectFactory, ProjectMemberFactory, TaskFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def project(community, member, mentor):
    project = ProjectFactory(
        community=community,
        title="Handbook",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
    )
    ProjectMemberFactory(project=project, user=member, role="lead")
    ProjectMemberFactory(project=project, user=mentor, role="contributor")
    return project


@pytest.fixture
def task(project, mentor):
    return TaskFactory(project=project, title="Write chapter one", assignee=mentor)


def _url(project, rest=""):
    return f"/c/pm/projects/{project.pk}/{rest}"


def test_member_starts_a_project_and_leads_it(community, member):
    response = client_for(member).post(
        "/c/pm/projects/new/",
        {"title": "Glossary", "purpose": "One glossary for all", "visibility": "community"},
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert ProjectMember.objects.get(project=project).role == "lead"
    assert ActivityEntry.objects.filter(verb="project.created").exists()


def test_project_ending_before_it_starts_is_an_error(community, member):
    response = client_for(member).post(
        "/c/pm/projects/new/",
        {
            "title": "Glossary",
            "purpose": "p",
            "visibility": "community",
            "starts_on": "2027-05-01",
            "ends_on": "2027-01-01",
        },
    )
    assert response.status_code == 400
    assert "The end cannot come before the start." in response.content.decode()


def test_project_member_adds_a_task_with_an_assignee_and_due_date(project, member, mentor):
    response = client_for(member).post(
        _url(project, "tasks/"), {"title": "Index", "assignee": mentor.pk, "due_on": "2027-03-01"}
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.assignee, task.due_on, task.status) == (mentor, date(2027, 3, 1), "todo")


def test_a_task_cannot_be_assigned_outside_the_project(project, member, moderator):
    with pytest.raises(ActionError) as error:
        actions.do_add_task(member, project, title="x", assignee=moderator)
    assert error.value.field == "assignee"


def test_moving_a_task_by_htmx_re_renders_the_board(project, task, mentor):
    response = client_for(mentor).post(
        _url(project, f"tasks/{task.pk}/move/"),
        {"status": "doing", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    doing = html.split('id="column-doing"')[1].split("</section>")[0]
    assert "Write chapter one" in doing
    assert "moved to Doing" in html
    task.refresh_from_db()
    assert (task.status, task.version) == ("doing", 2)


def test_two_people_move_the_same_task_the_later_wins_and_nothing_is_lost(
    project, task, member, mentor
):
    # Both opened the board when the task was at version 1.
    first = client_for(member).post(
        _url(project, f"tasks/{task.pk}/move/"),
        {"status": "doing", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    second = client_for(mentor).post(
        _url(project, f"tasks/{task.pk}/move/"),
        {"status": "done", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert first.status_code == second.status_code == 200
    task.refresh_from_db()
    assert (task.status, task.version) == ("done", 3)
    moves = list(TaskMove.objects.filter(task=task).values_list("from_status", "to_status"))
    assert moves == [("todo", "doing"), ("doing", "done")]
    html = second.content.decode()
    assert "Someone else moved" in html
    done = html.split('id="column-done"')[1].split("</section>")[0]
    assert "Write chapter one" in done
    page = client_for(member).get(project.get_absolute_url()).content.decode()
    assert 'value="3"' in page  # the board now offers moves from the final version


def test_a_community_member_outside_the_project_gets_403_moving_a_task(
    project, task, moderator, community
):
    other = MembershipFactory(community=community).user
    for user in (other, moderator):
        response = client_for(user).post(
            _url(project, f"tasks/{task.pk}/move/"), {"status": "done"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "todo"


def test_moving_to_an_unknown_column_is_400(project, task, mentor):
    response = client_for(mentor).post(
        _url(project, f"tasks/{task.pk}/move/"), {"status": "archive"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#board-messages"


def test_a_milestone_after_the_project_end_is_a_clear_error(project, member):
    response = client_for(member).post(
        _url(project, "milestones/"), {"title": "Launch", "due_on": "2027-07-15"}
    )
    assert response.status_code == 400
    assert "A milestone cannot come after the project&#x27;s end (2027-06-30)." in (
        response.content.decode()
    )
    assert not Milestone.objects.exists()
    client_for(member).post(
        _url(project, "milestones/"), {"title": "Draft", "due_on": "2027-03-01"}
    )
    assert Milestone.objects.get().title == "Draft"


def test_only_leads_and_moderators_set_milestones(project, mentor, moderator):
    assert (
        client_for(mentor)
        .post(_url(project, "milestones/"), {"title": "x", "due_on": "2027-03-01"})
        .status_code
        == 403
    )
    actions.do_add_milestone(moderator, project, title="Review", due_on=date(2027, 4, 1))


def test_the_lead_adds_a_person_by_e_mail(project, member, moderator, outsider):
    client = client_for(member)
    client.post(_url(project, "members/"), {"email": moderator.email, "role": "contributor"})
    assert project.members.filter(user=moderator).exists()
    response = client.post(_url(project, "members/"), {"email": outsider.email, "role": "lead"})
    assert response.status_code == 400
    assert "No member of this community has this e-mail address." in response.content.decode()
    again = client.post(_url(project, "members/"), {"email": moderator.email, "role": "lead"})
    assert "already in the project" in again.content.decode()


def test_members_post_updates_to_the_project_log(project, mentor):
    client_for(mentor).post(_url(project, "updates/"), {"body": "Chapter one drafted."})
    assert ProjectUpdate.objects.get().author == mentor
    page = client_for(mentor).get(project.get_absolute_url()).content.decode()
    assert "Chapter one drafted." in page


def test_the_lead_links_a_practice_and_a_topic(project, member, community):
    from koinon.discussions.actions import do_create_topic
    from koinon.library.actions import do_create_practice

    practice = do_create_practice(
        member, community, title="Stand-ups", summary="Short", when_to_use="", body="Body"
    )
    topic = do_create_topic(member, community, title="Chapter plan", body="Ideas?")
    client = client_for(member)
    client.post(_url(project, "links/"), {"practice": practice.pk})
    client.post(_url(project, "links/"), {"topic": topic.pk})
    both = client.post(_url(project, "links/"), {"practice": practice.pk, "topic": topic.pk})
    assert both.status_code == 400
    assert ProjectLink.objects.count() == 2
    page = client.get(project.get_absolute_url()).content.decode()
    assert practice.get_absolute_url() in page and topic.get_absolute_url() in page


def test_a_members_only_project_is_404_for_other_members(project, community, moderator):
    project.visibility = "members"
    project.save()
    other = MembershipFactory(community=community).user
    client = client_for(other)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert "Handbook" not in client.get("/c/pm/projects/").content.decode()
    assert client_for(moderator).get(project.get_absolute_url()).status_code == 200


def test_projects_of_a_private_community_are_404_for_outsiders(project, community, outsider, task):
    community.visibility = Visibility.PRIVATE
    community.save()
    client = client_for(outsider)
    assert client.get("/c/pm/projects/").status_code == 404
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.post(_url(project, f"tasks/{task.pk}/move/"), {"status": "done"}).status_code == (
        404
    )


def test_project_pages_run_bounded_queries(
    project, community, member, mentor, django_assert_max_num_queries
):
    for i in range(40):
        TaskFactory(project=project, assignee=mentor if i % 2 else member)
        ProjectMemberFactory(project=project, user=MembershipFactory(community=community).user)
        ProjectFactory(community=community)
    client = client_for(member)
    with django_assert_max_num_queries(25):
        assert client.get(project.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/c/pm/projects/").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_many_people_moving_one_task_at_once_keep_every_move(community):
    project = ProjectFactory(community=community)
    people = [MembershipFactory(community=community).user for _i in range(10)]
    for person in people:
        ProjectMemberFactory(project=project, user=person)
    task = TaskFactory(project=project)
    barrier = threading.Barrier(len(people))
    errors = []
    columns = ["doing", "done"]

    def move(index, person):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            fresh = Task.objects.select_related("project__community").get(pk=task.pk)
            actions.do_move_task(person, fresh, columns[index % 2], base_version=1)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=move, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    task.refresh_from_db()
    moves = list(TaskMove.objects.filter(task=task).order_by("version"))
    assert task.version == 11 and [m.version for m in moves] == list(range(2, 12))
    # The last move is the state, and each move starts where the one before it ended.
    assert task.status == moves[-1].to_status
    assert all(a.to_status == b.from_status for a, b in zip(moves, moves[1:], strict=False))


def test_a_bad_due_date_is_a_form_error_not_a_500(project, member):
    response = client_for(member).post(_url(project, "tasks/"), {"title": "x", "due_on": "soon"})
    assert response.status_code == 400
    assert not Task.objects.exists()
