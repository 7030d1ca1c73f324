from datetime import date

import pytest
from django.urls import reverse

from koinon.accounts.tests.factories import PASSWORD
from koinon.communities.models import GroupMembership
from koinon.communities.tests.factories import GroupFactory
from koinon.events.tests.factories import EventFactory
from koinon.learning import actions
from koinon.learning.models import AgendaItem, MeetingNote
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(community, member):
    group = GroupFactory(community=community, name="Readers", slug="readers", kind="study")
    GroupMembership.objects.create(group=group, user=member)
    return group


def url(group):
    return reverse("learning-study-group", args=[group.community.slug, group.slug])


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def test_members_build_an_agenda_from_topics_and_the_library(study, member, community):
    from koinon.library.models import Resource

    book = Resource.objects.create(community=community, kind="book", title="Team Topologies")
    actions.do_add_agenda_item(member, study, title="Why teams")
    item = actions.do_add_agenda_item(member, study, resource=book)
    assert item.title == "Team Topologies" and item.order == 2
    actions.do_mark_agenda_item(member, item, covered=True)
    assert AgendaItem.objects.get(pk=item.pk).covered_at is not None


def test_an_empty_agenda_item_is_refused(study, member):
    with pytest.raises(ActionError) as err:
        actions.do_add_agenda_item(member, study, title=" ")
    assert err.value.field == "title"


def test_non_members_of_the_study_group_cannot_write(study, mentor):
    with pytest.raises(ActionError) as err:
        actions.do_add_agenda_item(mentor, study, title="Mine")
    assert err.value.status == 403


def test_only_study_groups_have_an_agenda(community, member, client):
    working = GroupFactory(community=community, slug="work", kind="working")
    with pytest.raises(ActionError):
        actions.do_add_agenda_item(member, working, title="x")
    login(client, member)
    assert client.get(url(working)).status_code == 404


def test_notes_per_meeting_tied_to_the_group_s_event(study, member, community):
    meeting = EventFactory(community=community, group=study)
    note = actions.do_add_meeting_note(member, study, body="We read *chapter 1*.", event=meeting)
    assert "<em>chapter 1</em>" in note.body_html and note.event == meeting
    other = EventFactory(community=community)
    with pytest.raises(ActionError) as err:
        actions.do_add_meeting_note(member, study, body="x", event=other)
    assert err.value.field == "event"


def test_the_study_page_adds_items_and_notes(client, study, member):
    login(client, member)
    assert client.post(url(study), {"form": "agenda", "title": "Chapter 2"}).status_code == 302
    response = client.post(
        url(study), {"form": "note", "body": "Good talk", "met_on": "2026-03-01"}
    )
    assert response.status_code == 302
    assert MeetingNote.objects.get().met_on == date(2026, 3, 1)
    bad = client.post(url(study), {"form": "note", "body": ""})
    assert bad.status_code == 400
    page = client.get(url(study)).content.decode()
    assert "Chapter 2" in page and "Good talk" in page


def test_readers_who_are_not_in_the_group_see_but_cannot_post(client, study, mentor):
    login(client, mentor)
    page = client.get(url(study))
    assert page.status_code == 200 and "Add to the agenda" not in page.content.decode()
    assert client.post(url(study), {"form": "agenda", "title": "x"}).status_code == 403


def test_a_private_community_s_study_group_is_404_for_outsiders(client, study, community, outsider):
    community.visibility = "private"
    community.save()
    login(client, outsider)
    assert client.get(url(study)).status_code == 404


def test_the_study_page_is_bounded(client, study, member, community, django_assert_max_num_queries):
    for i in range(20):
        actions.do_add_agenda_item(member, study, title=f"Topic {i}")
        actions.do_add_meeting_note(member, study, body=f"Notes {i}")
    login(client, member)
    client.get(url(study))
    with django_assert_max_num_queries(24):
        response = client.get(url(study))
    assert "Topic 19" in response.content.decode()


def test_the_programmes_page_lists_study_groups(client, study, member):
    login(client, member)
    body = client.get(reverse("learning-programmes", args=["pm"])).content.decode()
    assert url(study) in body
