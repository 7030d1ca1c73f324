"""The member directory, roles, join requests, invitations and groups."""

import pytest
from django.core import mail
from django.urls import reverse

from koinon.accounts.models import ProfileVisibility
from koinon.accounts.tests.factories import ProfileSkillFactory, UserFactory
from koinon.communities import actions
from koinon.communities.models import GroupMembership, Invitation, JoinRequest, Membership
from koinon.communities.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _profile(user, **fields):
    for name, value in fields.items():
        setattr(user.profile, name, value)
    user.profile.save()
    return user


@pytest.fixture
def people(community):
    """Three members with different profiles; Hidden keeps their profile to themself."""
    ada = _profile(
        UserFactory(display_name="Ada"),
        headline="Agile coach",
        sector="Finance",
        languages=["it", "en"],
        open_to_mentoring=True,
        visibility=ProfileVisibility.EVERYONE,
    )
    ProfileSkillFactory(user=ada, skill__name="Scrum", level=5)
    bruno = _profile(
        UserFactory(display_name="Bruno"),
        sector="Health",
        languages=["en"],
        visibility=ProfileVisibility.COMMUNITIES,
    )
    ProfileSkillFactory(user=bruno, skill__name="Kanban", level=3)
    hidden = _profile(
        UserFactory(display_name="Hidden"),
        headline="Secret agent",
        sector="Finance",
        languages=["it"],
        visibility=ProfileVisibility.ME,
    )
    ProfileSkillFactory(user=hidden, skill__name="Scrum", level=2)
    for person in (ada, bruno, hidden):
        MembershipFactory(community=community, user=person)
    return {"ada": ada, "bruno": bruno, "hidden": hidden}


def directory(client, **params):
    return client.get(reverse("community-members", args=["pm"]), params).content.decode()


def test_the_directory_shows_profiles_the_viewer_may_see(as_user, people, member):
    body = directory(as_user(member))
    assert "Agile coach" in body and "Scrum" in body and "Kanban" in body
    assert "Hidden" in body and "Secret agent" not in body


def test_a_visitor_sees_only_public_profiles_in_a_public_community(as_user, people):
    body = directory(as_user(None))
    assert "Agile coach" in body
    assert "Kanban" not in body  # Bruno shows his profile to his communities only
    assert "Bruno" in body


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"skill": "scrum"}, {"Ada"}),
        ({"sector": "finance"}, {"Ada"}),
        ({"language": "en"}, {"Ada", "Bruno"}),
        ({"open_to": "mentoring"}, {"Ada"}),
        ({"role": "mentor"}, {"Martina"}),
    ],
)
def test_the_directory_filters(as_user, people, member, mentor, params, shown):
    body = directory(as_user(member), **params)
    everyone = {"Ada", "Bruno", "Hidden", "Mia", "Martina"}
    assert {name for name in everyone if f"<strong>{name}</strong>" in body} == shown


def test_filters_never_reveal_hidden_profiles(as_user, people, member):
    body = directory(as_user(member), sector="Finance")
    assert "Hidden" not in body


def test_moderators_see_role_controls_and_owners_see_transfer(
    as_user, community, people, owner, moderator
):
    assert "/role/" in directory(as_user(moderator))
    assert "transfer/?to=" not in directory(as_user(moderator))
    assert "transfer/?to=" in directory(as_user(owner))


def test_a_moderator_changes_a_role_with_htmx(as_user, community, moderator, member):
    url = reverse("community-member-role", args=["pm", member.pk])
    response = as_user(moderator).post(url, {"role": "mentor"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="member-{member.pk}"' in response.content.decode()
    assert Membership.objects.get(user=member).role == "mentor"


def test_a_moderator_removes_a_member(as_user, community, moderator, member):
    url = reverse("community-member-remove", args=["pm", member.pk])
    response = as_user(moderator).post(url, HTTP_HX_REQUEST="true")
    assert "no longer a member" in response.content.decode()
    assert not Membership.objects.filter(user=member).exists()


# --- Join requests ----------------------------------------------------------------------


def test_a_moderator_approves_a_request_with_htmx(as_user, community, moderator, requester):
    join_request = JoinRequest.objects.get(user=requester)
    client = as_user(moderator)
    assert "Hello!" in client.get(reverse("community-requests", args=["pm"])).content.decode()
    url = reverse("community-request-decide", args=["pm", join_request.pk])
    response = client.post(url, {"decision": "approve"}, HTTP_HX_REQUEST="true")
    assert "Approved" in response.content.decode()
    assert Membership.objects.filter(community=community, user=requester).exists()


def test_a_moderator_declines_a_request(as_user, community, moderator, requester):
    join_request = JoinRequest.objects.get(user=requester)
    url = reverse("community-request-decide", args=["pm", join_request.pk])
    as_user(moderator).post(url, {"decision": "decline"})
    join_request.refresh_from_db()
    assert join_request.status == "declined"
    assert not Membership.objects.filter(community=community, user=requester).exists()


# --- Invitations ------------------------------------------------------------------------


def test_a_moderator_invites_by_e_mail(
    as_user, community, moderator, django_capture_on_commit_callbacks
):
    client = as_user(moderator)
    url = reverse("community-invitations", args=["pm"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "New@Example.org", "role": "mentor"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new@example.org", "mentor")
    assert len(mail.outbox) == 1
    assert "new@example.org" in client.get(url).content.decode()


def test_the_invitation_list_shows_each_status(as_user, community, moderator, outsider):
    from django.utils import timezone

    actions.do_invite(moderator, community, email="a@example.org")
    expired = actions.do_invite(moderator, community, email="b@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    actions.do_revoke_invitation(
        moderator, actions.do_invite(moderator, community, email="c@example.org")
    )
    accepted = actions.do_invite(moderator, community, email=outsider.email)
    actions.do_accept_invitation(outsider, accepted.token)
    body = as_user(moderator).get(reverse("community-invitations", args=["pm"])).content.decode()
    for text in ["Pending, valid until", "Expired", "Withdrawn", "Accepted on"]:
        assert text in body, text


def test_a_moderator_withdraws_an_invitation(as_user, community, moderator):
    invitation = actions.do_invite(moderator, community, email="a@example.org")
    as_user(moderator).post(reverse("invitation-revoke", args=["pm", invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at


def test_a_visitor_is_asked_to_log_in_and_come_back(client, community, moderator):
    invitation = actions.do_invite(moderator, community, email="new@example.org")
    url = reverse("invitation-accept", args=[invitation.token])
    body = client.get(url).content.decode()
    assert f"/accounts/login/?next={url}" in body and f"/accounts/signup/?next={url}" in body
    assert "Project Managers" in body


def test_accepting_an_invitation_gives_its_role(as_user, community, moderator, outsider):
    community.code_of_conduct = "Be kind."
    community.save()
    invitation = actions.do_invite(moderator, community, email=outsider.email, role="mentor")
    url = reverse("invitation-accept", args=[invitation.token])
    response = as_user(outsider).post(url, {"accept_code_of_conduct": "on"})
    assert response.status_code == 302 and response["Location"] == "/c/pm/"
    membership = Membership.objects.get(community=community, user=outsider)
    assert membership.role == "mentor" and membership.code_of_conduct_accepted_at


def test_an_invitation_opens_a_secret_community_to_its_invitee(
    as_user, community, moderator, outsider
):
    community.visibility = "secret"
    community.save()
    invitation = actions.do_invite(moderator, community, email=outsider.email)
    response = as_user(outsider).get(reverse("invitation-accept", args=[invitation.token]))
    assert response.status_code == 200 and "Project Managers" in response.content.decode()


# --- Groups -----------------------------------------------------------------------------


def test_a_mentor_creates_a_group_and_leads_it(as_user, community, mentor):
    data = {
        "name": "Agile study",
        "slug": "agile",
        "kind": "study",
        "description": "Read books",
        "is_open": "on",
    }
    response = as_user(mentor).post(reverse("group-create", args=["pm"]), data)
    assert response.status_code == 302 and response["Location"] == "/c/pm/g/agile/"
    gm = GroupMembership.objects.get(group__slug="agile")
    assert (gm.user, gm.role) == (mentor, "leader")


def test_members_join_and_leave_an_open_group(as_user, community, mentor, member):
    group = actions.do_create_group(mentor, community, name="Agile", slug="agile", kind="study")
    client = as_user(member)
    assert "Join the group" in client.get(group.get_absolute_url()).content.decode()
    client.post(reverse("group-join", args=["pm", "agile"]))
    assert GroupMembership.objects.filter(group=group, user=member).exists()
    client.post(reverse("group-leave", args=["pm", "agile"]))
    assert not GroupMembership.objects.filter(group=group, user=member).exists()


def test_a_leader_adds_a_member_to_a_closed_group(as_user, community, mentor, member):
    group = actions.do_create_group(
        mentor, community, name="Core", slug="core", kind="project", is_open=False
    )
    client = as_user(mentor)
    assert "Add a member" in client.get(group.get_absolute_url()).content.decode()
    response = client.post(reverse("group-add", args=["pm", "core"]), {"user": member.pk})
    assert response.status_code == 302
    assert GroupMembership.objects.filter(group=group, user=member).exists()


def test_the_community_page_lists_its_groups(as_user, community, mentor):
    actions.do_create_group(mentor, community, name="Agile study", slug="agile", kind="study")
    assert "Agile study" in as_user(None).get("/c/pm/").content.decode()
