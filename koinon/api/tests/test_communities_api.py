"""Communities, memberships, invitations, join requests and groups through the API."""

import pytest
from django.core import mail
from django.utils import timezone

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import (
    Community,
    GroupMembership,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
)
from koinon.communities.tests.factories import CommunityFactory, GroupFactory
from koinon.core.models import ActivityEntry

pytestmark = pytest.mark.django_db


# --- Communities ------------------------------------------------------------------


def test_list_shows_visible_communities_with_my_role(community, member, secret_community, as_user):
    body = as_user(member).get("/communities").json()
    assert body["count"] == 1
    assert body["items"][0]["slug"] == "pm"
    assert body["items"][0]["my_role"] == "member"
    assert body["items"][0]["member_count"] == 2  # owner and member


def test_list_searches_by_name_and_filters_by_kind(db, anon):
    CommunityFactory(name="Data Analysts", kind="learning")
    CommunityFactory(name="Marketing Guild", kind="professional", domain="Marketing")
    assert [c["name"] for c in anon.get("/communities?q=data").json()["items"]] == ["Data Analysts"]
    by_kind = anon.get("/communities?kind=professional").json()["items"]
    assert [c["name"] for c in by_kind] == ["Marketing Guild"]
    assert anon.get("/communities?kind=nonsense").status_code == 400


def test_list_is_paginated(db, anon):
    for n in range(5):
        CommunityFactory(name=f"C{n}")
    body = anon.get("/communities?page=2&page_size=2").json()
    assert (body["count"], body["page"], body["pages"]) == (5, 2, 3)
    assert [c["name"] for c in body["items"]] == ["C2", "C3"]


def test_create_makes_me_the_owner(outsider, as_user):
    payload = {
        "slug": "data-lab",
        "name": "Data Lab",
        "kind": "learning",
        "formality": "formal",
        "domain": "Data analysis",
        "purpose": "Learn together.",
        "code_of_conduct": "Be *kind*.",
        "languages": ["it", "en"],
        "cadence": "weekly",
        "visibility": "private",
        "join_policy": "request",
    }
    response = as_user(outsider).post("/communities", payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["my_role"] == "owner"
    assert "<em>kind</em>" in body["code_of_conduct_html"]
    assert body["can"]["edit"] is True
    community = Community.objects.get(slug="data-lab")
    assert community.memberships.get().user == outsider
    assert ActivityEntry.objects.filter(verb="community.created", community=community).exists()


def test_create_refuses_unknown_language_codes(outsider, as_user):
    payload = {
        "slug": "x",
        "name": "X",
        "kind": "practice",
        "domain": "d",
        "purpose": "p",
        "languages": ["zz"],
    }
    response = as_user(outsider).post("/communities", payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "languages"


def test_anonymous_may_not_create(anon):
    assert anon.post("/communities", {"slug": "x"}).status_code == 401


def test_detail_shows_everything_to_members(private_community, owner, as_user):
    body = as_user(owner).get("/communities/quiet-guild").json()
    assert body["values"] == "Private values."
    assert body["can"]["invite"] is True


def test_detail_of_private_community_shows_public_fields_to_outsiders(
    private_community, outsider, as_user
):
    body = as_user(outsider).get("/communities/quiet-guild").json()
    assert body["name"] == "Quiet Guild"
    assert body["purpose"] == "Private purpose."
    assert "values" not in body and "code_of_conduct" not in body
    assert "Private values." not in str(body)
    assert body["can"]["request_join"] is True


def test_moderator_edits_the_community(community, moderator, as_user):
    response = as_user(moderator).patch("/communities/pm", {"name": "PM Italia", "goals": "Grow"})
    assert response.status_code == 200
    assert response.json()["name"] == "PM Italia"
    community.refresh_from_db()
    assert (community.name, community.goals) == ("PM Italia", "Grow")
    entry = ActivityEntry.objects.get(verb="community.edited")
    assert entry.data["fields"] == ["goals", "name"]


def test_edit_refuses_a_blank_name(community, owner, as_user):
    response = as_user(owner).patch("/communities/pm", {"name": ""})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


# --- Memberships ------------------------------------------------------------------


def test_members_are_listed_with_roles(community, owner, moderator, member, as_user):
    body = as_user(member).get("/communities/pm/members").json()
    assert body["count"] == 3
    roles = {m["display_name"]: m["role"] for m in body["items"]}
    assert roles == {"Olivia": "owner", "Marco": "moderator", "Mia": "member"}


def test_members_are_filtered_by_profile_details(community, owner, member, mentor, as_user):
    from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory

    profile = member.profile
    profile.sector, profile.languages, profile.open_to_being_mentored = "Health", ["it"], True
    profile.save()
    ProfileSkillFactory(user=member, skill=SkillFactory(name="Scrum"), level=4)
    api = as_user(mentor)
    for query in ("skill=scrum", "sector=health", "language=it", "open_to=being_mentored"):
        names = [
            m["display_name"] for m in api.get(f"/communities/pm/members?{query}").json()["items"]
        ]
        assert names == ["Mia"], query
    item = api.get("/communities/pm/members?skill=Scrum").json()["items"][0]
    assert item["profile"]["skills"] == [{"name": "Scrum", "level": 4}]
    assert item["profile"]["open_to"] == ["being_mentored"]


def test_filters_do_not_reveal_hidden_profiles(community, owner, member, mentor, as_user):
    profile = member.profile
    profile.sector, profile.visibility = "Health", "me"
    profile.save()
    body = as_user(mentor).get("/communities/pm/members?sector=Health").json()
    assert body["count"] == 0
    listed = as_user(mentor).get("/communities/pm/members").json()["items"]
    mia = next(m for m in listed if m["display_name"] == "Mia")
    assert mia["profile"] is None


def test_join_an_open_community(community, outsider, as_user):
    response = as_user(outsider).post("/communities/pm/join")
    assert response.status_code == 201
    assert response.json()["role"] == "member"
    assert Membership.objects.filter(community=community, user=outsider).exists()


def test_join_needs_the_code_of_conduct_when_there_is_one(community, outsider, as_user):
    community.code_of_conduct = "Be kind."
    community.save()
    api = as_user(outsider)
    refused = api.post("/communities/pm/join", {})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "accept_code_of_conduct"
    accepted = api.post("/communities/pm/join", {"accept_code_of_conduct": True})
    assert accepted.status_code == 201
    membership = Membership.objects.get(community=community, user=outsider)
    assert membership.code_of_conduct_accepted_at is not None


def test_join_twice_gets_409(community, member, as_user):
    assert as_user(member).post("/communities/pm/join").status_code == 409


def test_join_by_invitation_only_gets_403(private_community, outsider, as_user):
    private_community.join_policy = "invitation"
    private_community.save()
    assert as_user(outsider).post("/communities/quiet-guild/join").status_code == 403


def test_leave(community, member, as_user):
    assert as_user(member).post("/communities/pm/leave").status_code == 204
    assert not Membership.objects.filter(community=community, user=member).exists()


def test_moderator_changes_a_role(community, moderator, member, as_user):
    response = as_user(moderator).patch(f"/communities/pm/members/{member.pk}", {"role": "mentor"})
    assert response.status_code == 200
    assert Membership.objects.get(community=community, user=member).role == "mentor"


def test_member_may_not_change_roles(community, member, mentor, as_user):
    response = as_user(member).patch(f"/communities/pm/members/{mentor.pk}", {"role": "member"})
    assert response.status_code == 403
    assert Membership.objects.get(community=community, user=mentor).role == "mentor"


def test_moderator_may_not_promote_to_owner(community, moderator, member, as_user):
    response = as_user(moderator).patch(f"/communities/pm/members/{member.pk}", {"role": "owner"})
    assert response.status_code == 403


def test_role_change_of_a_non_member_gets_404(community, owner, outsider, as_user):
    response = as_user(owner).patch(f"/communities/pm/members/{outsider.pk}", {"role": "mentor"})
    assert response.status_code == 404


def test_moderator_removes_a_member(community, moderator, member, as_user):
    assert as_user(moderator).delete(f"/communities/pm/members/{member.pk}").status_code == 204
    assert not Membership.objects.filter(community=community, user=member).exists()


def test_owner_transfers_ownership(community, owner, member, as_user):
    response = as_user(owner).post("/communities/pm/transfer", {"new_owner": member.pk})
    assert response.status_code == 200
    assert Membership.objects.get(community=community, user=member).role == "owner"
    assert Membership.objects.get(community=community, user=owner).role == "moderator"


def test_moderator_may_not_transfer_ownership(community, owner, moderator, member, as_user):
    response = as_user(moderator).post("/communities/pm/transfer", {"new_owner": member.pk})
    assert response.status_code == 403


# --- Invitations ------------------------------------------------------------------


def test_moderator_invites_by_email(
    community, moderator, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(moderator).post(
            "/communities/pm/invitations", {"email": "New@Example.org", "role": "mentor"}
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["status"]) == ("new@example.org", "mentor", "pending")
    assert "token" not in body
    assert mail.outbox[0].to == ["new@example.org"]


def test_invitation_with_a_bad_email_gets_400(community, moderator, as_user):
    response = as_user(moderator).post("/communities/pm/invitations", {"email": "nope"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"


def test_member_may_not_invite(community, member, as_user):
    response = as_user(member).post("/communities/pm/invitations", {"email": "a@example.org"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_moderator_lists_invitations(community, moderator, member, as_user):
    Invitation.objects.create(community=community, email="x@example.org", invited_by=moderator)
    body = as_user(moderator).get("/communities/pm/invitations").json()
    assert [i["email"] for i in body] == ["x@example.org"]
    assert body[0]["invited_by"]["display_name"] == "Marco"
    assert as_user(member).get("/communities/pm/invitations").status_code == 403


def test_moderator_revokes_an_invitation(community, moderator, as_user):
    invitation = Invitation.objects.create(community=community, email="x@example.org")
    assert as_user(moderator).delete(f"/invitations/{invitation.pk}").status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_invitee_accepts(private_community, owner, as_user):
    invitee = UserFactory(email="ivo@example.org")
    invitation = Invitation.objects.create(
        community=private_community, email="ivo@example.org", role="mentor", invited_by=owner
    )
    response = as_user(invitee).post(f"/invitations/{invitation.token}/accept")
    assert response.status_code == 201
    assert response.json() == {**response.json(), "community": "quiet-guild", "role": "mentor"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_accepting_a_used_invitation_gets_410(private_community, as_user):
    invitee = UserFactory(email="ivo@example.org")
    invitation = Invitation.objects.create(
        community=private_community, email="ivo@example.org", accepted_at=timezone.now()
    )
    response = as_user(invitee).post(f"/invitations/{invitation.token}/accept")
    assert response.status_code == 410
    assert response.json()["code"] == "invitation_used"


def test_accepting_someone_elses_invitation_gets_403(private_community, outsider, as_user):
    invitation = Invitation.objects.create(community=private_community, email="ivo@example.org")
    response = as_user(outsider).post(f"/invitations/{invitation.token}/accept")
    assert response.status_code == 403


def test_accepting_an_unknown_invitation_gets_404(outsider, as_user):
    assert as_user(outsider).post("/invitations/nonsense/accept").status_code == 404


# --- Join requests ----------------------------------------------------------------


def test_request_to_join_then_approve(private_community, owner, outsider, as_user):
    response = as_user(outsider).post("/communities/quiet-guild/join-requests", {"message": "Hi!"})
    assert response.status_code == 201
    request_id = response.json()["id"]
    listed = as_user(owner).get("/communities/quiet-guild/join-requests").json()
    assert [(r["id"], r["message"], r["user"]["display_name"]) for r in listed] == [
        (request_id, "Hi!", "Otto")
    ]
    approved = as_user(owner).post(f"/join-requests/{request_id}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert Membership.objects.filter(community=private_community, user=outsider).exists()


def test_decline_a_join_request(private_community, owner, outsider, as_user):
    join_request = JoinRequest.objects.create(community=private_community, user=outsider)
    assert as_user(owner).post(f"/join-requests/{join_request.pk}/decline").status_code == 200
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.DECLINED
    assert not Membership.objects.filter(community=private_community, user=outsider).exists()
    again = as_user(owner).post(f"/join-requests/{join_request.pk}/approve")
    assert again.status_code == 409


def test_asking_twice_gets_409(private_community, outsider, as_user):
    api = as_user(outsider)
    assert api.post("/communities/quiet-guild/join-requests").status_code == 201
    assert api.post("/communities/quiet-guild/join-requests").status_code == 409


def test_requester_may_not_approve_themselves(private_community, outsider, as_user):
    join_request = JoinRequest.objects.create(community=private_community, user=outsider)
    response = as_user(outsider).post(f"/join-requests/{join_request.pk}/approve")
    assert response.status_code == 403
    assert as_user(outsider).get("/communities/quiet-guild/join-requests").status_code == 403


def test_open_community_takes_no_join_requests(community, outsider, as_user):
    assert as_user(outsider).post("/communities/pm/join-requests").status_code == 403


# --- Groups -----------------------------------------------------------------------


def test_mentor_creates_a_group_and_leads_it(community, mentor, as_user):
    payload = {"name": "Risk study", "slug": "risk", "kind": "study", "description": "Weekly"}
    response = as_user(mentor).post("/communities/pm/groups", payload)
    assert response.status_code == 201
    body = response.json()
    assert body["my_role"] == "leader"
    assert body["members"] == [{"user_id": mentor.pk, "display_name": "Martina", "role": "leader"}]


def test_member_may_not_create_a_group(community, member, as_user):
    payload = {"name": "Mine", "slug": "mine", "kind": "study"}
    assert as_user(member).post("/communities/pm/groups", payload).status_code == 403


def test_groups_are_listed_with_counts_and_my_role(community, member, as_user):
    group = GroupFactory(community=community, name="Cohort 1", slug="cohort-1", kind="cohort")
    GroupMembership.objects.create(group=group, user=member)
    body = as_user(member).get("/communities/pm/groups").json()
    assert body == [
        {
            "slug": "cohort-1",
            "name": "Cohort 1",
            "kind": "cohort",
            "description": "",
            "is_open": True,
            "member_count": 1,
            "my_role": "member",
        }
    ]


def test_group_detail_lists_members(community, member, as_user):
    group = GroupFactory(community=community, slug="g")
    GroupMembership.objects.create(group=group, user=member)
    body = as_user(member).get("/communities/pm/groups/g").json()
    assert [m["display_name"] for m in body["members"]] == ["Mia"]


def test_join_and_leave_an_open_group(community, member, as_user):
    group = GroupFactory(community=community, slug="g")
    api = as_user(member)
    assert api.post("/communities/pm/groups/g/join").status_code == 201
    assert GroupMembership.objects.filter(group=group, user=member).exists()
    assert api.post("/communities/pm/groups/g/leave").status_code == 204
    assert not GroupMembership.objects.filter(group=group, user=member).exists()


def test_closed_group_cannot_be_joined(community, member, as_user):
    GroupFactory(community=community, slug="g", is_open=False)
    assert as_user(member).post("/communities/pm/groups/g/join").status_code == 403


def test_outsider_cannot_join_a_group(community, outsider, as_user):
    GroupFactory(community=community, slug="g")
    assert as_user(outsider).post("/communities/pm/groups/g/join").status_code == 403
