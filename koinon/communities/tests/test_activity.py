"""Every community write appends exactly one activity entry with the right verb and actor."""

import pytest

from koinon.communities import actions
from koinon.communities.models import Invitation, JoinRequest, Membership
from koinon.communities.tests.factories import GroupFactory
from koinon.core.models import ActivityEntry

pytestmark = pytest.mark.django_db


def logged(fn):
    """Run `fn` and return the one activity entry it appended."""
    before = set(ActivityEntry.objects.values_list("pk", flat=True))
    fn()
    new = list(ActivityEntry.objects.exclude(pk__in=before))
    assert len(new) == 1, f"expected exactly one entry, got {[e.verb for e in new]}"
    return new[0]


def assert_entry(entry, verb, actor, community):
    assert (entry.verb, entry.actor, entry.community) == (verb, actor, community)


def test_creating_a_community_is_logged(outsider):
    holder = {}
    entry = logged(
        lambda: holder.setdefault(
            "c",
            actions.do_create_community(
                outsider, slug="new", name="New", kind="practice", domain="D", purpose="P"
            ),
        )
    )
    assert_entry(entry, "community.created", outsider, holder["c"])


def test_joining_is_logged(community, outsider):
    entry = logged(lambda: actions.do_join_community(outsider, community))
    assert_entry(entry, "community.joined", outsider, community)


def test_leaving_is_logged(community, owner, member):
    entry = logged(lambda: actions.do_leave_community(member, community))
    assert_entry(entry, "community.left", member, community)


def test_a_role_change_is_logged_with_old_and_new_role(community, owner, member):
    membership = Membership.objects.get(community=community, user=member)
    entry = logged(lambda: actions.do_change_role(owner, membership, "mentor"))
    assert_entry(entry, "community.role_changed", owner, community)
    assert entry.data == {"user_id": member.pk, "old": "member", "new": "mentor"}


def test_removing_a_member_is_logged(community, moderator, member):
    membership = Membership.objects.get(community=community, user=member)
    entry = logged(lambda: actions.do_remove_member(moderator, membership))
    assert_entry(entry, "community.member_removed", moderator, community)


def test_sending_an_invitation_is_logged(community, moderator):
    entry = logged(lambda: actions.do_invite(moderator, community, email="new@example.org"))
    assert_entry(entry, "community.invited", moderator, community)
    assert entry.target == Invitation.objects.get()


def test_accepting_an_invitation_is_logged(community, moderator, outsider):
    invitation = actions.do_invite(moderator, community, email=outsider.email)
    entry = logged(lambda: actions.do_accept_invitation(outsider, invitation.token))
    assert_entry(entry, "community.invitation_accepted", outsider, community)


def test_revoking_an_invitation_is_logged(community, moderator):
    invitation = actions.do_invite(moderator, community, email="new@example.org")
    entry = logged(lambda: actions.do_revoke_invitation(moderator, invitation))
    assert_entry(entry, "community.invitation_revoked", moderator, community)


@pytest.fixture
def by_request(community):
    community.join_policy = "request"
    community.save()
    return community


def test_a_join_request_is_logged(by_request, outsider):
    entry = logged(lambda: actions.do_request_to_join(outsider, by_request, message="Hi"))
    assert_entry(entry, "community.join_requested", outsider, by_request)


@pytest.mark.parametrize(("approve", "verb"), [(True, "approved"), (False, "declined")])
def test_deciding_a_join_request_is_logged(by_request, moderator, outsider, approve, verb):
    join_request = JoinRequest.objects.create(community=by_request, user=outsider)
    entry = logged(lambda: actions.do_decide_join_request(moderator, join_request, approve=approve))
    assert_entry(entry, f"community.join_{verb}", moderator, by_request)
    assert entry.data == {"user_id": outsider.pk}


def test_editing_a_community_is_logged_with_the_changed_fields(community, moderator):
    entry = logged(
        lambda: actions.do_update_community(moderator, community, purpose="New", values="V")
    )
    assert_entry(entry, "community.edited", moderator, community)
    assert entry.data == {"fields": ["purpose", "values"]}


def test_an_edit_that_changes_nothing_is_not_logged(community, moderator):
    before = ActivityEntry.objects.count()
    actions.do_update_community(moderator, community, purpose=community.purpose)
    assert ActivityEntry.objects.count() == before


def test_transferring_ownership_is_logged(community, owner, member):
    entry = logged(lambda: actions.do_transfer_ownership(owner, community, member))
    assert_entry(entry, "community.ownership_transferred", owner, community)


def test_creating_a_group_is_logged(community, mentor):
    entry = logged(
        lambda: actions.do_create_group(mentor, community, name="Study", slug="s", kind="study")
    )
    assert_entry(entry, "group.created", mentor, community)


def test_joining_and_leaving_a_group_are_logged(community, member):
    group = GroupFactory(community=community)
    assert_entry(
        logged(lambda: actions.do_join_group(member, group)), "group.joined", member, community
    )
    assert_entry(
        logged(lambda: actions.do_leave_group(member, group)), "group.left", member, community
    )


def test_adding_someone_to_a_group_is_logged(community, mentor, member):
    group = actions.do_create_group(
        mentor, community, name="Team", slug="t", kind="project", is_open=False
    )
    entry = logged(lambda: actions.do_add_to_group(mentor, group, member))
    assert_entry(entry, "group.member_added", mentor, community)
