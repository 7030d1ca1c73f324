from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import GroupFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError
from koinon.messaging.actions import do_block_person
from koinon.messaging.models import Conversation, Message, Participant
from koinon.notifications.models import Notification
from koinon.opportunities import actions
from koinon.opportunities.models import Interest, Opportunity, OpportunityStatus
from koinon.opportunities.tests.factories import OpportunityFactory
from koinon.projects.models import ProjectMember, ProjectRole
from koinon.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    data = {
        "kind": "job",
        "title": "Scrum master for a school project",
        "description": "Two days a week, **paid**.",
        "location": "Bologna",
        "remote": True,
        "expires_on": timezone.localdate() + timedelta(days=10),
    }
    data.update(overrides)
    return data


def test_a_member_publishes_an_opportunity(community, member):
    o = actions.do_create_opportunity(member, community, **_fields())
    assert o.author == member and o.status == OpportunityStatus.OPEN
    assert "<strong>paid</strong>" in o.description_html
    assert o.is_live
    assert ActivityEntry.objects.filter(verb="opportunity.created", community=community).exists()


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"expires_on": timezone.localdate() - timedelta(days=1)}, "expires_on", "expiry_in_past"),
        (
            {"expires_on": timezone.localdate() + timedelta(days=3000)},
            "expires_on",
            "expiry_too_far",
        ),  # noqa: E501
        ({"title": "   "}, "title", "required"),
        ({"description": ""}, "description", "required"),
        ({"kind": "lottery"}, "kind", "invalid_kind"),
        ({"title": "x" * 201}, "title", "too_long"),
    ],
)
def test_bad_input_is_refused_clearly(community, member, overrides, field, code):
    with pytest.raises(ActionError) as error:
        actions.do_create_opportunity(member, community, **_fields(**overrides))
    assert (error.value.field, error.value.code, error.value.status) == (field, code, 400)
    assert not Opportunity.objects.exists()


def test_the_expiry_day_itself_is_allowed(community, member):
    o = actions.do_create_opportunity(member, community, **_fields(expires_on=timezone.localdate()))
    assert o.is_live


def test_outsiders_cannot_publish(community, outsider):
    with pytest.raises(ActionError) as error:
        actions.do_create_opportunity(outsider, community, **_fields())
    assert error.value.status == 403


def test_outsiders_of_a_private_community_get_not_found(community, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    with pytest.raises(ActionError) as error:
        actions.do_create_opportunity(outsider, community, **_fields())
    assert error.value.status == 404


def test_group_opportunities_need_the_group(community, member, moderator):
    group = GroupFactory(community=community)
    with pytest.raises(ActionError) as error:
        actions.do_create_opportunity(member, community, group=group, **_fields())
    assert error.value.status == 403
    o = actions.do_create_opportunity(moderator, community, group=group, **_fields())
    assert o.group == group


def test_the_author_edits_and_closes(community, member, mentor):
    o = actions.do_create_opportunity(member, community, **_fields())
    with pytest.raises(ActionError) as error:
        actions.do_update_opportunity(mentor, o, title="Mine now")
    assert error.value.status == 403
    o = actions.do_update_opportunity(member, o, title="Scrum master, part time")
    assert o.title == "Scrum master, part time"
    with pytest.raises(ActionError) as error:
        actions.do_update_opportunity(member, o, expires_on=timezone.localdate() - timedelta(1))
    assert error.value.code == "expiry_in_past"
    with pytest.raises(ActionError) as error:
        actions.do_update_opportunity(member, o, status="closed")
    assert error.value.code == "unknown_fields"
    with pytest.raises(ActionError) as error:
        actions.do_close_opportunity(mentor, o)
    assert error.value.status == 403
    o = actions.do_close_opportunity(member, o)
    assert o.is_closed and o.closed_at
    with pytest.raises(ActionError) as error:
        actions.do_close_opportunity(member, o)
    assert error.value.status == 409
    with pytest.raises(ActionError) as error:
        actions.do_update_opportunity(member, o, title="Again")
    assert error.value.status == 409


def test_a_moderator_may_close(community, member, moderator):
    o = actions.do_create_opportunity(member, community, **_fields())
    actions.do_close_opportunity(moderator, o)
    assert Opportunity.objects.get().is_closed


# --- I'm interested --------------------------------------------------------------------


def test_interest_opens_a_conversation_with_the_author(
    community, member, mentor, django_capture_on_commit_callbacks
):
    o = actions.do_create_opportunity(member, community, **_fields())
    with django_capture_on_commit_callbacks(execute=True):
        interest = actions.do_express_interest(mentor, o, note="I ran three school projects.")
    conversation = interest.conversation
    assert conversation.subject == o.title
    people = Participant.objects.filter(conversation=conversation).values_list("user_id", flat=True)
    assert set(people) == {member.pk, mentor.pk}
    message = Message.objects.get(conversation=conversation)
    assert message.author == mentor
    assert o.title in message.body and "I ran three school projects." in message.body
    assert o.get_absolute_url() in message.body
    # The author hears about it, and nobody else does.
    kinds = set(Notification.objects.filter(recipient=member).values_list("kind", flat=True))
    assert "opportunity_interest" in kinds
    assert not Notification.objects.filter(kind="opportunity_interest").exclude(recipient=member)


def test_an_outsider_of_a_public_community_may_answer(community, member, outsider):
    """Published in a public community, the opportunity invited contact from anyone."""
    o = actions.do_create_opportunity(member, community, **_fields())
    interest = actions.do_express_interest(outsider, o)
    assert interest.conversation is not None


def test_one_interest_per_person(community, member, mentor):
    o = actions.do_create_opportunity(member, community, **_fields())
    actions.do_express_interest(mentor, o)
    with pytest.raises(ActionError) as error:
        actions.do_express_interest(mentor, o)
    assert (error.value.status, error.value.code) == (409, "already_interested")
    assert Conversation.objects.count() == 1


def test_the_database_refuses_a_second_interest(community, member, mentor):
    o = OpportunityFactory(community=community, author=member)
    Interest.objects.create(opportunity=o, user=mentor)
    with pytest.raises(IntegrityError):
        Interest.objects.create(opportunity=o, user=mentor)


def test_no_interest_in_your_own_opportunity(community, member):
    o = actions.do_create_opportunity(member, community, **_fields())
    with pytest.raises(ActionError) as error:
        actions.do_express_interest(member, o)
    assert error.value.code == "own_opportunity"


def test_no_interest_in_closed_or_expired_ones(community, member, mentor):
    closed = OpportunityFactory(community=community, author=member, status="closed")
    expired = OpportunityFactory(
        community=community, author=member, expires_on=timezone.localdate() - timedelta(days=1)
    )
    for opportunity, code in ((closed, "closed"), (expired, "expired")):
        with pytest.raises(ActionError) as error:
            actions.do_express_interest(mentor, opportunity)
        assert (error.value.status, error.value.code) == (409, code)
    assert not Interest.objects.exists() and not Conversation.objects.exists()


def test_blocked_people_cannot_answer(community, member, mentor):
    o = actions.do_create_opportunity(member, community, **_fields())
    do_block_person(member, mentor)
    with pytest.raises(ActionError) as error:
        actions.do_express_interest(mentor, o)
    assert error.value.status == 403
    assert not Interest.objects.exists()


def test_a_note_too_long_is_refused(community, member, mentor):
    o = actions.do_create_opportunity(member, community, **_fields())
    with pytest.raises(ActionError) as error:
        actions.do_express_interest(mentor, o, note="x" * 2001)
    assert error.value.field == "note"


def test_closing_tells_the_interested(
    community, member, mentor, django_capture_on_commit_callbacks
):
    o = actions.do_create_opportunity(member, community, **_fields())
    actions.do_express_interest(mentor, o)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_close_opportunity(member, o)
    assert Notification.objects.filter(recipient=mentor, kind="opportunity_closed").exists()


# --- Projects ---------------------------------------------------------------------------


def test_a_project_lead_publishes_a_call_for_partners(community, member, mentor):
    project = ProjectFactory(community=community)
    ProjectMember.objects.create(project=project, user=member, role=ProjectRole.LEAD)
    ProjectMember.objects.create(project=project, user=mentor, role=ProjectRole.CONTRIBUTOR)
    o = actions.do_create_opportunity(member, community, project=project, **_fields(kind="job"))
    assert o.kind == "call_for_partners" and o.project == project
    with pytest.raises(ActionError) as error:
        actions.do_create_opportunity(mentor, community, project=project, **_fields())
    assert error.value.status == 403
    with pytest.raises(ActionError) as error:
        actions.do_update_opportunity(member, o, kind="job")
    assert error.value.field == "kind"
