import pytest
from django.urls import reverse

from koinon.accounts.tests.factories import PASSWORD
from koinon.learning import actions
from koinon.learning.models import Cohort, Enrolment, Module, Programme
from koinon.learning.tests.factories import members

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def make_private(community):
    community.visibility = "private"
    community.save()


def test_the_programme_list_shows_programmes_in_bounded_queries(
    client, community, mentor, django_assert_max_num_queries
):
    for i in range(30):
        actions.do_create_programme(mentor, community, title=f"Programme {i}", description="d")
    login(client, mentor)
    url = reverse("learning-programmes", args=["pm"])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert "Programme 1" in response.content.decode()


def test_the_community_page_links_to_learning(client, community, member):
    login(client, member)
    body = client.get(community.get_absolute_url()).content.decode()
    assert reverse("learning-programmes", args=["pm"]) in body


def test_a_mentor_creates_a_programme_module_and_cohort_from_the_pages(client, community, mentor):
    login(client, mentor)
    response = client.post(
        reverse("learning-programme-create", args=["pm"]),
        {
            "title": "Retrospectives",
            "description": "How to *run* them",
            "outcomes": "Run one",
            "skills": "Facilitation, Listening",
            "criteria": "Clarity\nDepth",
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert sorted(programme.skills.values_list("name", flat=True)) == ["Facilitation", "Listening"]
    module_url = reverse("learning-module-create", args=["pm", programme.slug])
    response = client.post(
        module_url,
        {
            "title": "Quiz",
            "activity": "quiz",
            "questions": (
                "Who starts?\n* The facilitator\n- Nobody\n\nHow long?\n- Hours\n* Minutes"
            ),
        },
    )
    assert response.status_code == 302
    module = Module.objects.get()
    assert module.questions.count() == 2
    response = client.post(
        reverse("learning-cohort-create", args=["pm", programme.slug]),
        {
            "name": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2030-12-01",
            "enrolment": "open",
            "capacity": "12",
            "late_policy": "allow",
            "peer_reviewers": "2",
        },
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert cohort.group.kind == "cohort"
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Autumn" in page and "Quiz" in page


def test_a_bad_quiz_format_is_a_form_error(client, programme, mentor):
    login(client, mentor)
    url = reverse("learning-module-create", args=["pm", programme.slug])
    response = client.post(url, {"title": "Q", "activity": "quiz", "questions": "Q?\nno marker"})
    assert response.status_code == 400
    assert "Start every answer" in response.content.decode()


def test_a_cohort_ending_before_it_starts_is_a_form_error(client, programme, mentor):
    login(client, mentor)
    response = client.post(
        reverse("learning-cohort-create", args=["pm", programme.slug]),
        {
            "name": "Back",
            "starts_on": "2026-09-01",
            "ends_on": "2026-01-01",
            "enrolment": "open",
            "late_policy": "allow",
            "peer_reviewers": "2",
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()


def test_a_member_may_not_open_the_programme_form(client, community, member):
    login(client, member)
    assert client.get(reverse("learning-programme-create", args=["pm"])).status_code == 403


def test_members_enrol_from_the_cohort_page(client, cohort, member):
    login(client, member)
    response = client.post(reverse("learning-cohort-enrol", args=[cohort.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.get(user=member).status == "active"
    page = client.get(cohort.get_absolute_url()).content.decode()
    assert "Leave the cohort" in page


def test_a_full_cohort_answers_409_with_the_reason(client, cohort, community):
    cohort.capacity = 1
    cohort.save()
    first, second = members(community, 2)
    actions.do_enrol(first, cohort)
    login(client, second)
    response = client.post(reverse("learning-cohort-enrol", args=[cohort.pk]))
    assert response.status_code == 409
    assert "This cohort is full." in response.content.decode()


def test_private_programmes_and_cohorts_are_404_for_outsiders(
    client, community, programme, cohort, modules, outsider
):
    make_private(community)
    login(client, outsider)
    for url in (
        reverse("learning-programmes", args=["pm"]),
        programme.get_absolute_url(),
        cohort.get_absolute_url(),
        reverse("learning-cohort-module", args=[cohort.pk, modules[0].pk]),
        reverse("learning-skills-map", args=["pm"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("learning-cohort-enrol", args=[cohort.pk])).status_code == 404


def test_anonymous_visitors_of_a_private_community_are_sent_to_sign_in(
    client, community, programme
):
    make_private(community)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_public_programmes_are_readable_by_anyone(client, programme, cohort):
    assert client.get(programme.get_absolute_url()).status_code == 200
    assert client.get(cohort.get_absolute_url()).status_code == 200


def test_the_pages_speak_italian(client, programme, cohort, member, settings):
    member.language = "it"
    member.save()
    login(client, member)
    body = client.get(cohort.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Iscriviti" in body and "Moduli" in body and "Il tuo posto" in body


def test_the_italian_catalogue_is_complete():
    from pathlib import Path

    from koinon.lib import po

    path = Path(__file__).resolve().parents[1] / "locale/it/LC_MESSAGES/django.po"
    assert po.problems(path) == []


def test_the_module_form_links_library_items(client, programme, mentor, community):
    from koinon.library.models import Practice, Resource

    book = Resource.objects.create(community=community, kind="book", title="A book")
    practice = Practice.objects.create(
        community=community, title="Check-in", slug="check-in", summary="s", body="b"
    )
    login(client, mentor)
    url = reverse("learning-module-create", args=["pm", programme.slug])
    assert "A book" in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Read", "resources": [book.pk], "practices": [practice.pk]}
    )
    assert response.status_code == 302
    module = Module.objects.get(title="Read")
    assert list(module.resources.all()) == [book]
    cohort_page = client.get(reverse("learning-programme-create", args=["pm"]))
    assert cohort_page.status_code == 200


def test_bad_input_in_the_pages_never_gives_a_500(client, cohort, modules, member, mentor):
    actions.do_enrol(member, cohort)
    login(client, member)
    quiz = modules[2]
    cases = [
        ("post", reverse("learning-hand-in-submit", args=[cohort.pk, quiz.pk]), {"q_x": "y"}),
        ("post", reverse("learning-hand-in-submit", args=[cohort.pk, quiz.pk]), {}),
        ("post", reverse("learning-hand-in-draft", args=[cohort.pk, quiz.pk]), {"q_1": "abc"}),
        ("post", reverse("learning-hand-in-submit", args=[cohort.pk, modules[0].pk]), {}),
        ("post", reverse("learning-module-done", args=[cohort.pk, modules[1].pk]), {}),
        ("post", reverse("learning-cohort-enrol", args=[cohort.pk]), {}),
        ("post", reverse("learning-cohort-enrol", args=[999999]), {}),
        ("get", reverse("learning-cohort-module", args=[cohort.pk, 999999]), None),
        ("post", reverse("learning-goal-status", args=[999999]), {"status": "x"}),
        ("post", reverse("learning-my-skills"), {"form": "goal", "skill": "", "target_level": "0"}),
        ("post", reverse("learning-my-skills"), {"form": "assessment", "level": "x"}),
        ("get", reverse("learning-certificate", args=["<script>"]), None),
        ("get", reverse("learning-hand-in", args=[cohort.pk, 999999]), None),
    ]
    for method, url, data in cases:
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert 400 <= response.status_code < 500 or response.status_code == 302, (url, data)
    client.logout()
    login(client, mentor)
    response = client.post(
        reverse("learning-cohort-create", args=["pm", cohort.programme.slug]),
        {
            "name": "X",
            "starts_on": "not a date",
            "ends_on": "2026-01-01",
            "enrolment": "nope",
            "capacity": "0",
            "late_policy": "allow",
            "peer_reviewers": "11",
        },
    )
    assert response.status_code == 400
    invite = client.post(reverse("learning-cohort-invite", args=[cohort.pk]), {"email": "x"})
    assert invite.status_code == 400
    decide = client.post(reverse("learning-enrolment-decide", args=[cohort.pk, 999999]))
    assert decide.status_code == 404


def test_a_cohort_s_sessions_are_events_of_the_community(client, programme, mentor, community):
    from koinon.events.tests.factories import EventFactory

    meeting = EventFactory(community=community, title="Kick-off")
    login(client, mentor)
    url = reverse("learning-cohort-create", args=["pm", programme.slug])
    assert "Kick-off" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "With sessions",
            "starts_on": "2026-01-01",
            "ends_on": "2030-01-01",
            "enrolment": "open",
            "late_policy": "allow",
            "peer_reviewers": "2",
            "sessions": [meeting.pk],
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="With sessions")
    assert list(cohort.sessions.all()) == [meeting]
    assert "Kick-off" in client.get(cohort.get_absolute_url()).content.decode()


def test_a_facilitator_adds_another_who_then_leads_the_cohort_groups(
    client, programme, cohort, mentor, member, outsider
):
    from koinon.communities.models import GroupMembership

    login(client, mentor)
    url = reverse("learning-facilitator-add", args=["pm", programme.slug])
    assert client.post(url, {"email": member.email}).status_code == 302
    assert member in programme.facilitators.all()
    assert GroupMembership.objects.get(group=cohort.group, user=member).role == "leader"
    assert client.post(url, {"email": member.email}).status_code == 409
    assert client.post(url, {"email": outsider.email}).status_code == 400
    client.logout()
    login(client, outsider)
    assert client.post(url, {"email": outsider.email}).status_code == 403  # public: seen, refused


def test_a_facilitator_edits_a_module_and_a_member_may_not(
    client, programme, modules, mentor, member
):
    url = reverse("learning-module-edit", args=["pm", programme.slug, modules[1].pk])
    login(client, member)
    assert client.get(url).status_code == 403
    client.logout()
    login(client, mentor)
    assert "Your last meeting" in client.get(url).content.decode()
    assert client.post(url, {"title": ""}).status_code == 400
    response = client.post(
        url, {"title": "Your last retro", "content": "**New**", "activity_prompt": "Why?"}
    )
    assert response.status_code == 302
    modules[1].refresh_from_db()
    assert (
        modules[1].title == "Your last retro" and "<strong>New</strong>" in modules[1].content_html
    )
    assert modules[1].activity == "reflection"
