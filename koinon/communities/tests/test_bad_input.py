"""Bad input gets a form error or a clear message with a 4xx status, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from koinon.communities import actions
from koinon.communities.models import Invitation, JoinRequest, Membership
from koinon.communities.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Data People",
    "slug": "data",
    "kind": "learning",
    "formality": "formal",
    "domain": "Data analysis",
    "purpose": "Learn together.",
    "visibility": "public",
    "join_policy": "open",
}


def test_a_taken_slug_is_a_form_error(as_user, outsider):
    CommunityFactory(slug="data")
    response = as_user(outsider).post(reverse("community-create"), VALID)
    assert response.status_code == 400
    assert "is already taken" in response.content.decode()
    assert response.context["form"].errors["slug"]


def test_a_malformed_slug_is_a_form_error(as_user, outsider):
    response = as_user(outsider).post(reverse("community-create"), {**VALID, "slug": "no spaces!"})
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors


def test_an_unknown_kind_is_a_form_error(as_user, outsider):
    response = as_user(outsider).post(reverse("community-create"), {**VALID, "kind": "cult"})
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors


def test_the_action_refuses_a_taken_slug_with_a_conflict(outsider, community):
    with pytest.raises(actions.ActionError) as exc:
        actions.do_create_community(
            outsider, slug="pm", **{k: VALID[k] for k in ("name", "kind", "domain", "purpose")}
        )
    assert (exc.value.status, exc.value.field) == (409, "slug")


def test_the_action_refuses_an_unknown_choice(outsider):
    with pytest.raises(actions.ActionError) as exc:
        actions.do_create_community(
            outsider, slug="x", name="X", kind="cult", domain="D", purpose="P"
        )
    assert exc.value.field == "kind"


def test_an_expired_invitation_is_gone(as_user, community, moderator, outsider):
    invitation = actions.do_invite(moderator, community, email=outsider.email)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    url = reverse("invitation-accept", args=[invitation.token])
    client = as_user(outsider)
    assert client.get(url).status_code == 410
    response = client.post(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(community=community, user=outsider).exists()


def test_a_used_invitation_cannot_be_used_again(as_user, community, moderator, outsider):
    invitation = actions.do_invite(moderator, community, email=outsider.email)
    url = reverse("invitation-accept", args=[invitation.token])
    client = as_user(outsider)
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_a_revoked_invitation_is_gone(as_user, community, moderator, outsider):
    invitation = actions.do_invite(moderator, community, email=outsider.email)
    actions.do_revoke_invitation(moderator, invitation)
    response = as_user(outsider).get(reverse("invitation-accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_an_invitation_for_another_address_is_forbidden(as_user, community, moderator, outsider):
    invitation = actions.do_invite(moderator, community, email="someone-else@example.org")
    response = as_user(outsider).post(reverse("invitation-accept", args=[invitation.token]))
    assert response.status_code == 403
    assert "another e-mail address" in response.content.decode()
    assert not Membership.objects.filter(community=community, user=outsider).exists()


def test_an_unknown_invitation_token_is_404(as_user, outsider):
    assert as_user(outsider).get(reverse("invitation-accept", args=["nope"])).status_code == 404


def test_a_role_change_by_a_non_moderator_is_refused(as_user, community, mentor, member):
    url = reverse("community-member-role", args=["pm", member.pk])
    response = as_user(mentor).post(url, {"role": "moderator"})
    assert response.status_code == 403
    assert "Only moderators and owners" in response.content.decode()
    assert Membership.objects.get(community=community, user=member).role == "member"


def test_a_moderator_cannot_promote_someone_to_moderator(as_user, community, moderator, member):
    url = reverse("community-member-role", args=["pm", member.pk])
    response = as_user(moderator).post(url, {"role": "moderator"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "below your own" in response.content.decode()
    assert Membership.objects.get(community=community, user=member).role == "member"


def test_an_unknown_role_is_refused(as_user, community, owner, member):
    url = reverse("community-member-role", args=["pm", member.pk])
    assert as_user(owner).post(url, {"role": "king"}).status_code == 400


def test_the_last_owner_cannot_leave(as_user, community, owner):
    response = as_user(owner).post(reverse("community-leave", args=["pm"]))
    assert response.status_code == 409
    assert "last owner" in response.content.decode()
    assert Membership.objects.filter(community=community, user=owner).exists()


def test_joining_twice_is_a_conflict(as_user, community, member):
    response = as_user(member).post(reverse("community-join", args=["pm"]))
    assert response.status_code == 409
    assert "already a member" in response.content.decode()
    assert Membership.objects.filter(community=community, user=member).count() == 1


def test_joining_without_accepting_the_code_of_conduct_is_refused(as_user, community, outsider):
    community.code_of_conduct = "Be kind."
    community.save()
    response = as_user(outsider).post(reverse("community-join", args=["pm"]))
    assert response.status_code == 400
    assert "accept the code of conduct" in response.content.decode()
    assert not Membership.objects.filter(community=community, user=outsider).exists()


def test_asking_again_while_a_request_is_pending_is_a_conflict(as_user, community, requester):
    community.join_policy = "request"
    community.save()
    response = as_user(requester).post(reverse("community-request-join", args=["pm"]))
    assert response.status_code == 409
    assert "already waiting" in response.content.decode()
    assert JoinRequest.objects.filter(user=requester).count() == 1


def test_joining_an_invitation_only_community_is_forbidden(as_user, community, outsider):
    community.join_policy = "invitation"
    community.save()
    response = as_user(outsider).post(reverse("community-join", args=["pm"]))
    assert response.status_code == 403
    assert "cannot be joined directly" in response.content.decode()


def test_deciding_a_request_twice_is_a_conflict(as_user, community, moderator, requester):
    join_request = JoinRequest.objects.get(user=requester)
    client = as_user(moderator)
    url = reverse("community-request-decide", args=["pm", join_request.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    response = client.post(url, {"decision": "decline"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "already been decided" in response.content.decode()


def test_inviting_an_existing_member_is_a_form_error(as_user, community, moderator, member):
    response = as_user(moderator).post(
        reverse("community-invitations", args=["pm"]), {"email": member.email, "role": "member"}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_inviting_with_a_malformed_address_is_a_form_error(as_user, community, moderator):
    response = as_user(moderator).post(
        reverse("community-invitations", args=["pm"]), {"email": "not-an-address", "role": "member"}
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_taken_group_slug_is_a_form_error(as_user, community, mentor):
    actions.do_create_group(mentor, community, name="A", slug="a", kind="study")
    response = as_user(mentor).post(
        reverse("group-create", args=["pm"]), {"name": "B", "slug": "a", "kind": "study"}
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_joining_a_closed_group_is_forbidden(as_user, community, mentor, member):
    group = actions.do_create_group(
        mentor, community, name="A", slug="a", kind="study", is_open=False
    )
    response = as_user(member).post(reverse("group-join", args=["pm", group.slug]))
    assert response.status_code == 403
    assert "closed" in response.content.decode()


def test_transferring_to_a_non_member_is_a_form_error(as_user, community, owner, outsider):
    response = as_user(owner).post(
        reverse("community-transfer", args=["pm"]), {"new_owner": outsider.pk, "confirm": "on"}
    )
    assert response.status_code == 400
    assert Membership.objects.get(community=community, user=owner).role == "owner"
