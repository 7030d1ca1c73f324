import io
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from koinon.accounts import actions
from koinon.accounts.models import ApiToken, ProfileSkill, User
from koinon.accounts.tests.factories import PASSWORD, ProfileSkillFactory, SkillFactory
from koinon.communities import actions as community_actions
from koinon.communities.models import GroupMembership, JoinRequest, Membership
from koinon.communities.tests.factories import CommunityFactory, GroupFactory
from koinon.core.models import ActivityEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_member(member, community, owner, login):
    """`member` with a bit of everything, logged in through allauth (so a session exists)."""
    actions.do_update_profile(
        member,
        display_name="Mia Rossi",
        bio="Unique bio text",
        city="Roma",
        links=["https://mia.example.org"],
    )
    ProfileSkillFactory(user=member, skill=SkillFactory(name="Scrum"), level=4)
    group = GroupFactory(community=community, name="Study circle")
    GroupMembership.objects.create(group=group, user=member)
    other = CommunityFactory(name="Analysts", join_policy="request")
    community_actions.do_request_to_join(member, other, message="Please let me in")
    community_actions.do_invite(owner, community, email="guest@example.org")
    ApiToken.issue(member, "script")
    login(member)
    # Added after logging in, or the login would stop at the second factor.
    Authenticator.objects.create(user=member, type="totp", data={"secret": "S3CRET"})
    return member


def _export(client) -> dict:
    response = client.post(reverse("data-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_export_holds_all_of_a_persons_data(client, rich_member, community):
    Membership.objects.filter(user=rich_member).update(
        code_of_conduct_accepted_at="2026-01-01T10:00Z"
    )
    data = _export(client)
    assert data["account"]["email"] == "mia@example.org"
    assert data["account"]["email_addresses"][0]["verified"] is True
    assert data["profile"]["display_name"] == "Mia Rossi"
    assert data["profile"]["links"] == ["https://mia.example.org"]
    assert data["skills"] == [{"skill": "Scrum", "level": 4}]
    assert data["memberships"][0]["community"] == "Project Managers"
    assert data["memberships"][0]["code_of_conduct_accepted_at"].startswith("2026-01-01")
    assert data["group_memberships"][0]["group"] == "Study circle"
    assert data["join_requests"][0]["message"] == "Please let me in"
    assert {a["verb"] for a in data["activity"]} >= {"profile.updated", "community.join_requested"}
    assert data["api_tokens"][0]["name"] == "script"
    assert data["sessions"] and data["sessions"][0]["user_agent"] is not None
    assert data["mfa"] == [
        {"type": "totp", "created_at": data["mfa"][0]["created_at"], "last_used_at": None}
    ]


def test_export_holds_nothing_secret_or_about_others(client, rich_member, owner):
    text = json.dumps(_export(client))
    token = ApiToken.objects.get(user=rich_member)
    assert token.token_hash not in text
    assert "S3CRET" not in text
    assert "olivia@example.org" not in text and "Olivia" not in text
    assert "guest@example.org" not in text
    assert "password" not in text


def test_export_lists_invitations_sent_without_the_invitees_address(
    client, owner, community, login
):
    community_actions.do_invite(owner, community, email="guest@example.org")
    login(owner)
    data = _export(client)
    assert data["invitations_sent"][0]["community"] == "Project Managers"
    assert "guest@example.org" not in json.dumps(data)


def test_export_needs_post_and_login(client, member):
    assert client.post(reverse("data-export")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("data-export")).status_code == 405


# --- Erasure -----------------------------------------------------------------------


def _erase(client, password=PASSWORD, confirm="on"):
    return client.post(
        reverse("settings-erase"),
        {"password": password, "confirm": confirm},
        headers={"accept-language": "en"},
    )


def test_erasure_removes_personal_data_everywhere(client, rich_member):
    pk = rich_member.pk
    other_device = Client()
    other_device.force_login(rich_member)  # a Django session allauth does not track
    response = _erase(client)
    assert response.status_code == 302
    user = User.objects.get(pk=pk)
    assert user.email == f"erased-{pk}@invalid.koinon"
    assert user.erased_at and not user.is_active and not user.has_usable_password()
    with translation.override("en"):
        assert user.display_name == "Former member"
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not ProfileSkill.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert not GroupMembership.objects.filter(user=user).exists()
    assert not JoinRequest.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    sessions = [s.get_decoded() for s in Session.objects.all()]
    assert not [s for s in sessions if s.get("_auth_user_id") == str(pk)]
    assert other_device.get(reverse("settings")).status_code == 302
    assert client.get(reverse("settings")).status_code == 302
    entry = ActivityEntry.objects.get(verb="account.erased")
    assert entry.data == {}

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    for personal in ["mia@example.org", "Mia Rossi", "Unique bio text", "mia.example.org", "Roma"]:
        assert personal not in text, personal


def test_erasure_deletes_the_avatar_file(member):
    from koinon.accounts.tests.test_avatar import _image

    actions.do_set_avatar(member, _image())
    profile = member.profile
    name, storage = profile.avatar.name, profile.avatar.storage
    actions.do_erase_account(member)
    assert not storage.exists(name)


def test_erased_persons_contributions_stay_as_former_member(member, community):
    entry = ActivityEntry.objects.create(actor=member, verb="topic.posted", community=community)
    actions.do_erase_account(member)
    entry.refresh_from_db()
    with translation.override("en"):
        assert str(entry.actor) == "Former member"
    with translation.override("it"):
        assert str(entry.actor) == "Ex membro"


def test_erasure_needs_the_right_password(client, member):
    client.force_login(member)
    response = _erase(client, password="wrong-password")
    assert response.status_code == 400
    assert "This password is not correct." in response.content.decode()
    member.refresh_from_db()
    assert member.erased_at is None


def test_erasure_needs_confirmation(client, member):
    client.force_login(member)
    assert _erase(client, confirm="").status_code == 400
    member.refresh_from_db()
    assert member.erased_at is None


def test_last_owner_cannot_erase_and_is_told_which_communities(client, owner, community):
    client.force_login(owner)
    response = _erase(client)
    assert response.status_code == 400
    assert "Project Managers" in response.content.decode()
    assert "Transfer ownership" in response.content.decode()
    owner.refresh_from_db()
    assert owner.erased_at is None and owner.is_active


def test_one_of_two_owners_can_erase(client, owner, moderator, community):
    Membership.objects.filter(user=moderator).update(role="owner")
    client.force_login(owner)
    assert _erase(client).status_code == 302
    owner.refresh_from_db()
    assert owner.erased_at is not None


def test_erased_profile_is_404(client, member, owner):
    actions.do_erase_account(member)
    client.force_login(owner)
    assert client.get(reverse("profile-detail", args=[member.pk])).status_code == 404


def test_erased_address_can_sign_up_again(client, member):
    actions.do_erase_account(member)
    assert not User.objects.filter(email__iexact="mia@example.org").exists()


def test_every_app_with_personal_data_adds_to_the_export_and_the_erasure(member, moderator):
    """Apps plug in through koinon.lib.personal_data: messages and the network here."""
    from koinon.accounts.export import export_person
    from koinon.messaging.actions import do_start_conversation
    from koinon.messaging.models import Participant
    from koinon.network.actions import do_follow
    from koinon.network.models import Follow

    do_start_conversation(member, [moderator], subject="Hello", first_message="Ciao!")
    do_follow(member, moderator)
    data = export_person(member, timezone.now())
    assert data["messaging"]["messages_written"][0]["body"] == "Ciao!"
    assert data["network"]["following"] == 1

    actions.do_erase_account(member)
    assert not Follow.objects.filter(follower=member).exists()
    assert not Participant.objects.filter(user=member, left_at__isnull=True).exists()


def test_erasure_frees_coming_event_places_and_withdraws_mentoring(member, moderator, community):
    from datetime import timedelta

    from koinon.events.actions import do_create_event, do_register
    from koinon.events.models import Registration
    from koinon.mentoring.models import MentoringOffer

    start = timezone.now() + timedelta(days=3)
    event = do_create_event(
        moderator,
        community,
        title="Retro",
        kind="meetup",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=1,
    )
    do_register(member, event)
    do_register(moderator, event)
    MentoringOffer.objects.create(mentor=member, topics="Scrum", capacity=2, format="online")

    actions.do_erase_account(member)

    assert Registration.objects.get(user=moderator).status == "confirmed"
    assert not MentoringOffer.objects.filter(mentor=member, is_active=True).exists()
