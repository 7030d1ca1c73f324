from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from koinon.communities.tests.factories import GroupFactory
from koinon.events import actions
from koinon.events.models import Event
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _fields(**overrides):
    start = timezone.now() + timedelta(days=3)
    fields = {
        "kind": "workshop",
        "title": "Risk workshop",
        "description": "**Hands on**",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "time_zone": "Europe/Rome",
        "capacity": 10,
    }
    fields.update(overrides)
    return fields


def test_moderator_creates_an_event_and_hosts_it(community, moderator):
    event = actions.do_create_event(moderator, community, **_fields())
    assert event.description_html == "<p><strong>Hands on</strong></p>\n"
    assert list(event.hosts.all()) == [moderator]


def test_member_may_not_create_events(community, member):
    with pytest.raises(ActionError) as err:
        actions.do_create_event(member, community, **_fields())
    assert err.value.status == 403


def test_group_leader_creates_events_in_their_group(community, member):
    from koinon.communities.models import GroupMembership

    group = GroupFactory(community=community)
    GroupMembership.objects.create(group=group, user=member, role="leader")
    event = actions.do_create_event(member, community, group=group, **_fields())
    assert event.group == group


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ends_at": timezone.now()}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"title": ""}, "title"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_input_gets_a_clear_error_on_its_field(community, moderator, overrides, field):
    with pytest.raises(ActionError) as err:
        actions.do_create_event(moderator, community, **_fields(**overrides))
    assert err.value.field == field
    assert err.value.status == 400
    assert not Event.objects.exists()


def test_registration_must_close_after_it_opens(community, moderator):
    now = timezone.now()
    with pytest.raises(ActionError) as err:
        actions.do_create_event(
            moderator,
            community,
            **_fields(registration_opens_at=now + timedelta(days=1), registration_closes_at=now),
        )
    assert err.value.field == "registration_closes_at"


def test_naive_times_are_read_in_the_event_time_zone(community, moderator):
    event = actions.do_create_event(
        moderator,
        community,
        **_fields(
            starts_at=datetime(2027, 7, 1, 18, 0),
            ends_at=datetime(2027, 7, 1, 20, 0),
            time_zone="America/New_York",
        ),
    )
    assert event.starts_at == datetime(2027, 7, 1, 22, 0, tzinfo=ZoneInfo("UTC"))


def test_hosts_and_speakers_must_be_members(community, moderator, outsider):
    with pytest.raises(ActionError) as err:
        actions.do_create_event(moderator, community, speakers=[outsider], **_fields())
    assert err.value.field == "speakers"


def test_host_edits_and_the_sequence_grows(community, moderator, member):
    event = actions.do_create_event(moderator, community, hosts=[member], **_fields())
    event = actions.do_update_event(member, event, title="Risk workshop II")
    assert event.title == "Risk workshop II"
    assert event.sequence == 1


def test_member_who_is_not_host_may_not_edit(community, moderator, member):
    event = actions.do_create_event(moderator, community, **_fields())
    with pytest.raises(ActionError) as err:
        actions.do_update_event(member, event, title="Mine")
    assert err.value.status == 403


def test_moving_an_event_mails_its_registrants(
    community, moderator, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = actions.do_create_event(moderator, community, **_fields())
    actions.do_register(member, event)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_event(
            moderator,
            event,
            starts_at=event.starts_at + timedelta(hours=1),
            ends_at=event.ends_at + timedelta(hours=1),
        )
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "New time" in mailoutbox[0].subject
