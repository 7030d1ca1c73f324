"""Home, discover, create, edit, the community page, joining and leaving."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from koinon.communities import actions
from koinon.communities.models import Community, JoinRequest, Membership
from koinon.communities.tests.factories import CommunityFactory, GroupFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Data People",
    "slug": "data",
    "kind": "learning",
    "formality": "formal",
    "domain": "Data analysis",
    "purpose": "Learn together.",
    "values": "Curiosity",
    "goals": "Ship a dashboard",
    "code_of_conduct": "Be **kind**.",
    "languages": ["it", "en"],
    "cadence": "weekly",
    "visibility": "private",
    "join_policy": "request",
    "allow_anonymous": "on",
}


def image_file(size=(2400, 1200), fmt="PNG", name="cover.png"):
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Home and discover --------------------------------------------------------------


def test_a_visitor_sees_a_welcome_and_public_communities(client, community):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Koinon is a home for professional communities" in body
    assert "Project Managers" in body


def test_home_lists_my_communities_with_my_role_and_my_invitations(
    as_user, community, member, moderator
):
    other = CommunityFactory(name="Analysts", slug="analysts")
    Membership.objects.create(community=other, user=moderator, role="owner")
    actions.do_invite(moderator, other, email=member.email)
    body = as_user(member).get("/").content.decode()
    assert "My communities" in body and "Project Managers" in body and "Member" in body
    assert "Invitations for you" in body and "Analysts" in body


def test_discover_searches_by_name_and_domain_and_filters_by_kind(client, community):
    CommunityFactory(name="Marketing Guild", domain="Digital marketing", kind="professional")
    assert "Marketing Guild" in client.get("/communities/?q=digital").content.decode()
    body = client.get("/communities/?q=guild").content.decode()
    assert "Marketing Guild" in body and "Project Managers" not in body
    body = client.get("/communities/?kind=practice").content.decode()
    assert "Project Managers" in body and "Marketing Guild" not in body
    assert "Marketing Guild" in client.get("/?kind=professional").content.decode()


def test_discover_answers_htmx_with_just_the_results(client, community):
    response = client.get("/communities/?q=project", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="community-results"' in body and "<html" not in body


def test_the_list_shows_member_counts_and_paginates(client, community, owner, member):
    CommunityFactory.create_batch(30)
    first = client.get("/communities/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page 1 of 2" in first
    found = client.get("/communities/?q=managers", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 members" in found  # Project Managers: owner and member
    assert client.get("/communities/?page=2").status_code == 200


# --- Create and edit -----------------------------------------------------------------


def test_creating_a_community_makes_me_its_owner(as_user, outsider):
    response = as_user(outsider).post(
        reverse("community-create"), {**FIELDS, "cover": image_file()}
    )
    community = Community.objects.get(slug="data")
    assert response.status_code == 302 and response["Location"] == "/c/data/"
    assert Membership.objects.get(community=community, user=outsider).role == "owner"
    assert community.languages == ["it", "en"] and community.allow_anonymous
    assert "<strong>kind</strong>" in community.code_of_conduct_html
    assert community.cover.name.endswith(".webp")
    with Image.open(community.cover.path) as stored:
        assert stored.format == "WEBP" and stored.width <= 1600 and stored.height <= 900


def test_a_cover_that_is_not_an_image_is_a_form_error(as_user, outsider):
    fake = SimpleUploadedFile("cover.png", b"<?php echo 'hi'; ?>", content_type="image/png")
    response = as_user(outsider).post(reverse("community-create"), {**FIELDS, "cover": fake})
    assert response.status_code == 400
    assert "not an image" in response.content.decode()
    assert not Community.objects.exists()


def test_a_cover_that_is_too_large_is_a_form_error(as_user, outsider, monkeypatch):
    monkeypatch.setattr("koinon.communities.images.COVER_MAX_BYTES", 100)
    response = as_user(outsider).post(
        reverse("community-create"), {**FIELDS, "cover": image_file()}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_creating_needs_a_sign_in(client):
    response = client.get(reverse("community-create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_moderator_edits_the_community(as_user, community, moderator):
    data = {**FIELDS, "name": "PM Italia", "purpose": "Better projects."}
    response = as_user(moderator).post(reverse("community-edit", args=["pm"]), data)
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name, community.purpose, community.slug) == (
        "PM Italia",
        "Better projects.",
        "pm",
    )


def test_the_edit_form_shows_the_current_values(as_user, community, owner):
    body = as_user(owner).get(reverse("community-edit", args=["pm"])).content.decode()
    assert 'value="Project Managers"' in body and "Share what works." in body


def test_a_moderator_can_remove_the_cover(as_user, community, moderator):
    actions.do_update_community(moderator, community, cover=image_file_content())
    data = {**FIELDS, "cover-clear": "on"}
    as_user(moderator).post(reverse("community-edit", args=["pm"]), data)
    community.refresh_from_db()
    assert not community.cover


def image_file_content():
    from koinon.communities.images import process_cover

    return process_cover(image_file())


# --- The community page ---------------------------------------------------------------


@pytest.fixture
def full_community(community, owner, member):
    actions.do_update_community(
        owner,
        community,
        values="Honesty",
        goals="Fewer failed projects",
        cadence="monthly",
        languages=["it", "en"],
        code_of_conduct="Be *kind*.",
    )
    GroupFactory(community=community, name="Agile study group")
    return community


def test_the_community_page_shows_its_charter_groups_and_members(as_user, full_community, member):
    body = as_user(member).get("/c/pm/").content.decode()
    for text in [
        "Project management",
        "Share what works.",
        "Honesty",
        "Fewer failed projects",
        "Monthly",
        "Italian, English",
        "<em>kind</em>",
        "Agile study group",
        "Olivia",
        "You are: Member",
        "Leave this community",
    ]:
        assert text in body, text


def test_a_private_community_shows_its_purpose_but_not_its_content(
    as_user, full_community, outsider
):
    Community.objects.filter(pk=full_community.pk).update(visibility="private")
    body = as_user(outsider).get("/c/pm/").content.decode()
    assert "Share what works." in body and "Project management" in body
    assert "Agile study group" not in body and "Olivia" not in body
    assert "visible to its members only" in body


def test_joining_records_the_code_of_conduct_acceptance(as_user, full_community, outsider):
    body = as_user(outsider).get("/c/pm/").content.decode()
    assert 'name="accept_code_of_conduct"' in body
    response = as_user(outsider).post("/c/pm/join/", {"accept_code_of_conduct": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(community=full_community, user=outsider)
    assert membership.role == "member" and membership.code_of_conduct_accepted_at


def test_asking_to_join_sends_the_message_to_the_moderators(as_user, community, outsider):
    Community.objects.filter(pk=community.pk).update(join_policy="request")
    client = as_user(outsider)
    assert client.post("/c/pm/request/", {"message": "I run projects"}).status_code == 302
    assert JoinRequest.objects.get(user=outsider).message == "I run projects"
    assert "waiting for the moderators" in client.get("/c/pm/").content.decode()


def test_an_invitation_only_community_says_so(as_user, community, outsider):
    Community.objects.filter(pk=community.pk).update(join_policy="invitation")
    assert "by invitation only" in as_user(outsider).get("/c/pm/").content.decode()


def test_leaving_asks_for_confirmation_first(as_user, community, owner, member):
    client = as_user(member)
    assert "Yes, leave" in client.get("/c/pm/leave/").content.decode()
    assert Membership.objects.filter(user=member).exists()
    assert client.post("/c/pm/leave/").status_code == 302
    assert not Membership.objects.filter(user=member).exists()


def test_an_owner_transfers_ownership(as_user, community, owner, member):
    response = as_user(owner).post("/c/pm/transfer/", {"new_owner": member.pk, "confirm": "on"})
    assert response.status_code == 302
    roles = dict(Membership.objects.values_list("user__email", "role"))
    assert roles == {owner.email: "moderator", member.email: "owner"}


def test_pages_are_in_italian_for_an_italian_visitor(client, community):
    body = client.get("/c/pm/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Scopo" in body


def test_private_communities_are_listed_with_their_purpose(client, community):
    CommunityFactory(name="Closed Circle", visibility="private", purpose="Only for us.")
    body = client.get("/communities/").content.decode()
    assert "Closed Circle" in body and "Only for us." in body
