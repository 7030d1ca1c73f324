import pytest
from django.urls import reverse

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.mentoring import actions
from koinon.mentoring.models import Goal, MentoringOffer, MentoringRequest, Mentorship
from koinon.mentoring.tests.factories import give_skills, make_offer, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


@pytest.fixture
def running(mentor, member):
    offer = make_offer(mentor, {"SQL": 4}, capacity=2)
    mentorship = actions.do_ask_mentor(member, offer)
    return actions.do_accept_mentorship(mentor, mentorship)


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("mentoring-home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_mentor_publishes_an_offer_with_profile_skills(login, mentor, community):
    give_skills(mentor, {"SQL": 5, "Scrum": 3})
    page = login(mentor).get(reverse("mentoring-offer-create"))
    assert page.status_code == 200 and "SQL (level 5)" in page.content.decode()
    response = login(mentor).post(
        reverse("mentoring-offer-create"),
        {
            "community": community.pk,
            "topics": "Databases",
            "skills": ["SQL"],
            "languages": "it, en",
            "format": "both",
            "capacity": 2,
        },
    )
    offer = MentoringOffer.objects.get()
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    assert offer.community == community and offer.languages == ["it", "en"]
    assert list(offer.offer_skills.values_list("level", flat=True)) == [5]


def test_offer_form_errors_are_tied_to_fields(login, mentor):
    response = login(mentor).post(
        reverse("mentoring-offer-create"),
        {"topics": "", "format": "online", "capacity": 0, "languages": "xx"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_topics_error"' in html and 'id="id_capacity_error"' in html
    assert not MentoringOffer.objects.exists()


def test_offer_form_reports_an_action_error_on_its_field(login, mentor):
    response = login(mentor).post(
        reverse("mentoring-offer-create"),
        {"topics": "Data", "format": "online", "capacity": 1, "languages": "xx"},
    )
    assert response.status_code == 400 and "Unknown language codes" in response.content.decode()


def test_request_page_proposes_mentors_with_reasons(login, member, mentor, moderator):
    make_offer(mentor, {"SQL": 5}, languages=["it"])
    make_offer(moderator, {"SQL": 2}, languages=["en"])
    response = login(member).post(
        reverse("mentoring-request-create"),
        {"goals": "Learn SQL", "priority_skills": "SQL", "languages": "it", "time_zone": ""},
    )
    found = MentoringRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == found.get_absolute_url()
    html = login(member).get(found.get_absolute_url()).content.decode()
    assert html.index("Martina") < html.index("Marco")
    assert "Knows SQL at level 5, one of your priorities (+50)" in html
    assert "Both speak Italian (+10)" in html
    assert html.count("Ask this mentor") == 2


def test_request_page_runs_bounded_queries(login, member, community, django_assert_max_num_queries):
    found = make_request(member, {"SQL": 2})
    for _ in range(15):
        mentor = UserFactory()
        MembershipFactory(community=community, user=mentor)
        make_offer(mentor, {"SQL": 3})
    client = login(member)
    with django_assert_max_num_queries(23, info="matching must not query per offer"):
        response = client.get(found.get_absolute_url())
    assert response.content.decode().count("Ask this mentor") == 10


def test_request_form_errors(login, member):
    response = login(member).post(
        reverse("mentoring-request-create"), {"goals": "Grow", "time_zone": "Mars/Base"}
    )
    assert response.status_code == 400 and 'id="id_time_zone_error"' in response.content.decode()


def test_outsider_gets_404_for_offers_and_requests(login, outsider, mentor, member):
    offer = make_offer(mentor)
    found = make_request(member)
    client = login(outsider)
    assert client.get(offer.get_absolute_url()).status_code == 404
    assert client.get(found.get_absolute_url()).status_code == 404
    assert client.post(reverse("mentoring-offer-ask", args=[offer.pk])).status_code == 404
    assert "Martina" not in client.get(reverse("mentoring-offers")).content.decode()


def test_others_see_a_request_without_the_proposals(login, member, mentor):
    make_offer(mentor, {"SQL": 5})
    found = make_request(member, {"SQL": 2})
    html = login(mentor).get(found.get_absolute_url()).content.decode()
    assert "Proposed mentors" not in html and "Mia asks for mentoring" in html


def test_asking_from_the_request_page(login, member, mentor):
    offer = make_offer(mentor, {"SQL": 5})
    found = make_request(member, {"SQL": 2})
    response = login(member).post(
        reverse("mentoring-offer-ask", args=[offer.pk]), {"request": found.pk}
    )
    mentorship = Mentorship.objects.get()
    assert response["Location"] == mentorship.get_absolute_url()
    assert mentorship.request == found and mentorship.status == "requested"
    html = login(member).get(found.get_absolute_url()).content.decode()
    assert "Asked" in html


def test_mentor_accepts_on_the_page_and_twice_is_409(login, mentor, member):
    offer = make_offer(mentor)
    mentorship = actions.do_ask_mentor(member, offer)
    url = reverse("mentorship-step", args=[mentorship.pk, "accept"])
    assert login(mentor).post(url).status_code == 302
    again = login(mentor).post(url)
    assert again.status_code == 409 and "Accepted" in again.content.decode()


def test_mentee_cannot_accept_on_the_page(login, mentor, member):
    mentorship = actions.do_ask_mentor(member, make_offer(mentor))
    response = login(member).post(reverse("mentorship-step", args=[mentorship.pk, "accept"]))
    assert response.status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.status == "requested"


def test_mentorship_page_is_for_the_pair_only(login, running, moderator, owner, outsider):
    actions.do_add_note(running.mentor, running, body="Secret plan")
    html = login(running.mentee).get(running.get_absolute_url()).content.decode()
    assert "Secret plan" in html
    assert f"/messages/new/?to={running.mentor.pk}&amp;subject=Mentoring" in html
    for person in (moderator, owner, outsider):
        response = login(person).get(running.get_absolute_url())
        assert response.status_code == 404
        assert "Secret plan" not in login(person).get(reverse("mentoring-home")).content.decode()


def test_goal_added_and_progress_set_with_htmx(login, running, member):
    client = login(member)
    client.post(
        reverse("mentorship-goal-add", args=[running.pk]),
        {"title": "Learn joins", "kind": "percent"},
    )
    goal = Goal.objects.get()
    response = client.post(
        reverse("goal-progress", args=[goal.pk]), {"progress": 40}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and f'id="goal-{goal.pk}"' in response.content.decode()
    assert "40%" in response.content.decode()
    bad = client.post(
        reverse("goal-progress", args=[goal.pk]), {"progress": 140}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    goal.refresh_from_db()
    assert goal.progress == 40


def test_done_goal_toggles(login, running, mentor):
    goal = actions.do_add_goal(mentor, running, title="Ship", kind="done")
    login(mentor).post(reverse("goal-progress", args=[goal.pk]), {"done": "1"})
    goal.refresh_from_db()
    assert goal.is_done


def test_moderator_cannot_set_progress(login, running, moderator):
    goal = actions.do_add_goal(running.mentee, running, title="Learn")
    assert (
        login(moderator).post(reverse("goal-progress", args=[goal.pk]), {"progress": 9}).status_code
        == 404
    )


def test_note_and_feedback_forms(login, running, member):
    client = login(member)
    assert (
        client.post(reverse("mentorship-note-add", args=[running.pk]), {"body": ""}).status_code
        == 400
    )
    client.post(reverse("mentorship-note-add", args=[running.pk]), {"body": "Met *today*"})
    assert running.notes.get().body_html == "<p>Met <em>today</em></p>\n"
    early = client.post(reverse("mentorship-feedback-add", args=[running.pk]), {"rating": 5})
    assert early.status_code == 409 and "when the mentorship has ended" in early.content.decode()
    client.post(reverse("mentorship-step", args=[running.pk, "complete"]))
    client.post(
        reverse("mentorship-feedback-add", args=[running.pk]), {"rating": 5, "comment": "Thanks"}
    )
    assert running.feedback.get().rating == 5
    again = client.post(reverse("mentorship-feedback-add", args=[running.pk]), {"rating": 4})
    assert again.status_code == 409 and "already given" in again.content.decode()


def test_moderator_pairs_by_hand_on_the_page(login, community, moderator, mentor, member):
    make_offer(mentor)
    url = reverse("mentoring-pair", args=[community.slug])
    client = login(moderator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"mentor": mentor.pk, "mentee": member.pk})
    assert response.status_code == 302
    assert Mentorship.objects.get().paired_by == moderator
    assert ActivityEntry.objects.filter(verb="mentoring.paired", community=community).exists()


def test_a_member_may_not_open_the_pairing_page(login, community, member, outsider):
    url = reverse("mentoring-pair", args=[community.slug])
    assert login(member).get(url).status_code == 403


def test_community_page_links_to_mentoring(login, community, member, moderator):
    html = login(member).get(community.get_absolute_url()).content.decode()
    assert reverse("mentoring-request-create") in html
    assert reverse("mentoring-pair", args=["pm"]) not in html
    html = login(moderator).get(community.get_absolute_url()).content.decode()
    assert reverse("mentoring-pair", args=["pm"]) in html


def test_offer_list_runs_bounded_queries(login, member, community, django_assert_max_num_queries):
    for _ in range(12):
        mentor = UserFactory()
        MembershipFactory(community=community, user=mentor)
        make_offer(mentor, {"SQL": 3, "Go": 2})
    client = login(member)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("mentoring-offers"))
    assert response.content.decode().count("SQL (level 3)") == 12
