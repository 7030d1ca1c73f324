"""Connections, following and suggestions."""

import pytest
from django.core import mail
from django.urls import reverse

from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory, UserFactory
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.lib.errors import ActionError
from koinon.messaging import actions as messaging
from koinon.network import actions, queries
from koinon.network.models import Connection, Follow
from koinon.network.policy import are_connected

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_a_request_is_stored_once_per_pair_low_id_first(member, mentor):
    connection = actions.do_request_connection(mentor, member, message="Hi")
    assert (connection.low_id, connection.high_id) == tuple(sorted([member.pk, mentor.pk]))
    assert connection.status == "pending" and connection.requested_by == mentor


def test_the_request_is_mailed(member, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_request_connection(member, mentor, message="Let us talk")
    assert len(mail.outbox) == 1
    assert "Mia would like to connect" in mail.outbox[0].subject
    assert "http://testserver/network/" in mail.outbox[0].body


def test_accept_connects_both(member, mentor):
    connection = actions.do_request_connection(member, mentor)
    actions.do_accept_connection(mentor, connection)
    assert are_connected(member, mentor) and are_connected(mentor, member)


def test_the_requester_cannot_accept_their_own_request(member, mentor):
    connection = actions.do_request_connection(member, mentor)
    with pytest.raises(ActionError) as exc:
        actions.do_accept_connection(member, connection)
    assert exc.value.status == 403


def test_accepting_twice_is_a_conflict(member, mentor):
    connection = actions.do_request_connection(member, mentor)
    actions.do_accept_connection(mentor, connection)
    with pytest.raises(ActionError) as exc:
        actions.do_accept_connection(mentor, connection)
    assert exc.value.status == 409


def test_asking_back_accepts(member, mentor):
    actions.do_request_connection(member, mentor)
    actions.do_request_connection(mentor, member)
    assert Connection.objects.get().status == "accepted"


def test_asking_twice_is_a_conflict(member, mentor):
    actions.do_request_connection(member, mentor)
    with pytest.raises(ActionError) as exc:
        actions.do_request_connection(member, mentor)
    assert exc.value.status == 409 and exc.value.code == "already_requested"


def test_a_declined_request_cannot_be_repeated_but_the_decliner_can_ask(member, mentor):
    connection = actions.do_request_connection(member, mentor)
    actions.do_decline_connection(mentor, connection)
    with pytest.raises(ActionError):
        actions.do_request_connection(member, mentor)
    again = actions.do_request_connection(mentor, member)
    assert again.status == "pending" and again.requested_by == mentor
    assert Connection.objects.count() == 1


def test_self_connection_is_refused(member):
    with pytest.raises(ActionError) as exc:
        actions.do_request_connection(member, member)
    assert exc.value.code == "self_connection"


def test_a_blocked_person_cannot_ask(member, mentor):
    messaging.do_block_person(mentor, member)
    with pytest.raises(ActionError) as exc:
        actions.do_request_connection(member, mentor)
    assert exc.value.status == 403


def test_remove_ends_the_connection(member, mentor):
    actions.do_accept_connection(mentor, actions.do_request_connection(member, mentor))
    actions.do_remove_connection(member, mentor)
    assert not Connection.objects.exists()
    with pytest.raises(ActionError) as exc:
        actions.do_remove_connection(member, mentor)
    assert exc.value.status == 404


def test_follow_without_connection(member, mentor):
    actions.do_follow(member, mentor)
    assert Follow.objects.filter(follower=member, followed=mentor).exists()
    with pytest.raises(ActionError) as exc:
        actions.do_follow(member, mentor)
    assert exc.value.status == 409
    with pytest.raises(ActionError):
        actions.do_follow(member, member)
    actions.do_unfollow(member, mentor)
    assert not Follow.objects.exists()


# --- Pages ---------------------------------------------------------------------


def test_connect_accept_through_the_pages(client, member, mentor):
    client.force_login(member)
    response = client.post(reverse("network-connect", args=[mentor.pk]))
    assert response.status_code == 302
    client.force_login(mentor)
    page = client.get(reverse("network-mine")).content.decode()
    assert "Requests for you" in page and "Accept Mia" in page
    connection = Connection.objects.get()
    client.post(reverse("network-answer", args=[connection.pk, "accept"]))
    assert are_connected(member, mentor)
    assert "Mia" in client.get(reverse("network-person", args=[mentor.pk])).content.decode()


def test_answering_someone_elses_request_is_404(client, member, mentor, outsider):
    connection = actions.do_request_connection(member, mentor)
    client.force_login(outsider)
    assert client.post(reverse("network-answer", args=[connection.pk, "accept"])).status_code == 404


def test_htmx_connect_returns_the_buttons(client, member, mentor):
    client.force_login(member)
    response = client.post(reverse("network-connect", args=[mentor.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Request sent" in response.content.decode()
    again = client.post(reverse("network-connect", args=[mentor.pk]), HTTP_HX_REQUEST="true")
    assert again.status_code == 409 and "already asked" in again.content.decode()


def test_cannot_connect_with_a_hidden_profile(client, member, outsider):
    client.force_login(member)
    assert client.post(reverse("network-connect", args=[outsider.pk])).status_code == 404
    assert not Connection.objects.exists()


def test_network_page_hides_connections_the_viewer_cannot_see(client, member, mentor, outsider):
    low, high = sorted([mentor, outsider], key=lambda u: u.pk)
    Connection.objects.create(low=low, high=high, requested_by=mentor, status="accepted")
    client.force_login(member)
    page = client.get(reverse("network-person", args=[mentor.pk])).content.decode()
    assert "Otto" not in page


def test_the_network_page_runs_bounded_queries(
    client, community, member, django_assert_max_num_queries
):
    for i in range(200):
        other = MembershipFactory(community=community).user
        ProfileSkillFactory(user=other, level=4)
        if i % 5 == 0:
            actions.do_accept_connection(other, actions.do_request_connection(member, other))
        elif i % 7 == 0:
            actions.do_request_connection(other, member)
    client.force_login(member)
    with django_assert_max_num_queries(26, info="my network must not query per person"):
        response = client.get(reverse("network-mine"))
    assert response.status_code == 200
    assert len(response.context["suggestions"]) == 10
    assert response.context["page"].paginator.count == 40


# --- Suggestions ---------------------------------------------------------------


def test_suggestions_come_from_shared_communities_with_the_reason(member, mentor, outsider):
    found = {s.person: s for s in queries.suggestions(member)}
    assert mentor in found and outsider not in found
    assert "Also in Project Managers" in found[mentor].reasons


def test_suggestions_leave_out_connections_and_blocks(member, mentor, moderator):
    actions.do_request_connection(member, mentor)
    messaging.do_block_person(moderator, member)
    people = [s.person for s in queries.suggestions(member)]
    assert mentor not in people and moderator not in people


def test_complementary_skills_rank_first_with_reasons(community, member, mentor, moderator):
    python = SkillFactory(name="Python")
    ProfileSkillFactory(user=member, skill=python, level=2)
    ProfileSkillFactory(user=mentor, skill=python, level=5)
    mentor.profile.open_to_mentoring = True
    mentor.profile.save()
    ProfileSkillFactory(user=moderator, skill=SkillFactory(name="Risk"), level=4)
    ranked = queries.suggestions(member)
    assert ranked[0].person == mentor
    assert "Open to mentoring in Python, which you are learning" in ranked[0].reasons
    mod = next(s for s in ranked if s.person == moderator)
    assert "Knows Risk at level 4, a skill you do not list" in mod.reasons


def test_a_higher_level_is_a_reason(member, mentor):
    skill = SkillFactory(name="Scrum")
    ProfileSkillFactory(user=member, skill=skill, level=3)
    ProfileSkillFactory(user=mentor, skill=skill, level=5)
    (first,) = [s for s in queries.suggestions(member) if s.person == mentor]
    assert "Knows Scrum at level 5 (you: 3)" in first.reasons


def test_suggestions_run_a_fixed_number_of_queries(community, member, django_assert_num_queries):
    other = CommunityFactory()
    MembershipFactory(community=other, user=member)
    for i in range(40):
        person = MembershipFactory(community=community if i % 2 else other).user
        ProfileSkillFactory(user=person, level=4)
    with django_assert_num_queries(8):
        assert len(queries.suggestions(member)) == 10


def test_private_profiles_are_not_suggested(member, community):
    hidden = UserFactory()
    hidden.profile.visibility = "me"
    hidden.profile.save()
    MembershipFactory(community=community, user=hidden)
    assert hidden not in [s.person for s in queries.suggestions(member, limit=50)]
