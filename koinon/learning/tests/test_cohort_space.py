"""Editing programmes, modules and cohorts after creation; the cohort's own discussion
space; evidence next to a skill."""

from datetime import timedelta

import pytest
from django.test import Client

from koinon.accounts.tests.factories import PASSWORD
from koinon.learning import actions
from koinon.learning.models import CohortPost, CohortThread, RubricCriterion
from koinon.learning.tests.factories import members
from koinon.learning.tests.test_api import Api
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(email=user.email, password=PASSWORD)
    return client


# --- Editing ---------------------------------------------------------------------------------


def test_facilitator_edits_the_programme_in_the_page(programme, mentor, member):
    url = f"/c/pm/programmes/{programme.slug}/edit/"
    assert _client(member).get(url).status_code == 403
    client = _client(mentor)
    page = client.get(url)
    assert page.status_code == 200 and "Facilitation basics" in page.text
    assert "Clarity" in page.text
    bad = client.post(url, {"title": "", "description": "x"})
    assert bad.status_code == 400
    response = client.post(
        url,
        {
            "title": "Facilitation, the basics",
            "description": "Learn to **facilitate** well.",
            "outcomes": "Run a retrospective",
            "skills": "Facilitazione, Ascolto",
            "criteria": "Clarity\nDepth\nExamples",
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Facilitation, the basics"
    assert programme.slug == "facilitation-basics"  # the address stays
    assert "<strong>facilitate</strong>" in programme.description_html
    assert sorted(s.name for s in programme.skills.all()) == ["Ascolto", "Facilitazione"]
    assert [c.title for c in programme.criteria.all()] == ["Clarity", "Depth", "Examples"]


def test_a_rubric_in_use_can_be_renamed_but_not_resized(programme, modules, cohort, mentor):
    _reading, reflection, _quiz = modules
    a, b = members(programme.community, 2)
    for person in (a, b):
        actions.do_enrol(person, cohort)
    hand_in = actions.do_submit_hand_in(a, cohort, reflection, text="It went well.")
    actions.do_submit_hand_in(b, cohort, reflection, text="Too long.")
    actions.do_assign_peer_reviews(mentor, cohort, reflection)
    ids = list(programme.criteria.values_list("pk", flat=True))
    actions.do_submit_peer_review(b, hand_in, scores=dict.fromkeys(ids, 4), comment="Good")
    kwargs = {"title": programme.title, "description": programme.description}
    with pytest.raises(ActionError) as err:
        actions.do_edit_programme(mentor, programme, criteria=["Clarity"], **kwargs)
    assert err.value.field == "criteria" and err.value.status == 409
    actions.do_edit_programme(mentor, programme, criteria=["Clear", "Deep"], **kwargs)
    assert list(RubricCriterion.objects.values_list("pk", "title")) == list(
        zip(ids, ["Clear", "Deep"], strict=True)
    )


def test_facilitator_edits_the_cohort_in_the_page(cohort, mentor, member):
    url = f"/cohorts/{cohort.pk}/edit/"
    assert _client(member).get(url).status_code == 403
    client = _client(mentor)
    assert client.get(url).status_code == 200
    data = {
        "name": "Spring 2026 (evening)",
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": (cohort.starts_on - timedelta(days=1)).isoformat(),
        "enrolment": "request",
        "capacity": "5",
        "late_policy": "refuse",
        "peer_reviewers": "1",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and "cannot end before it starts" in bad.text
    data["ends_on"] = (cohort.starts_on + timedelta(days=30)).isoformat()
    assert client.post(url, data).status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.enrolment, cohort.capacity, cohort.late_policy) == (
        "Spring 2026 (evening)",
        "request",
        5,
        "refuse",
    )
    assert cohort.group.name == "Spring 2026 (evening)"


def test_places_cannot_drop_below_the_people_seated(cohort, mentor):
    for person in members(cohort.programme.community, 3):
        actions.do_enrol(person, cohort)
    fields = {
        "name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "enrolment": cohort.enrolment,
    }
    with pytest.raises(ActionError) as err:
        actions.do_edit_cohort(mentor, cohort, capacity=2, **fields)
    assert err.value.code == "capacity_below_seated"
    actions.do_edit_cohort(mentor, cohort, capacity=3, **fields)


def test_the_api_edits_programmes_modules_and_cohorts(programme, modules, cohort, mentor, member):
    api = Api(mentor)
    response = api("patch", f"/programmes/{programme.pk}", {"title": "Facilitation 101"})
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Facilitation 101"
    assert response.json()["criteria"][0]["text"] == "Clarity"  # untouched
    assert api("patch", f"/programmes/{programme.pk}", {"title": None}).status_code == 400
    module = modules[0]
    response = api(
        "patch", f"/programmes/{programme.pk}/modules/{module.pk}", {"content": "Read *this*"}
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Why facilitate"
    assert "<em>this</em>" in response.json()["content_html"]
    assert api("patch", f"/programmes/{programme.pk}/modules/99999", {}).status_code == 404
    response = api("patch", f"/cohorts/{cohort.pk}", {"capacity": None, "name": "Spring B"})
    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["name"]) == (None, "Spring B")
    bad = api("patch", f"/cohorts/{cohort.pk}", {"ends_on": "2000-01-01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ends_on"
    bad = api("patch", f"/cohorts/{cohort.pk}", {"peer_reviewers": 11})
    assert bad.status_code == 400
    assert Api(member)("patch", f"/cohorts/{cohort.pk}", {"name": "x"}).status_code == 403
    assert Api(member)("patch", f"/programmes/{programme.pk}", {"title": "x"}).status_code == 403


# --- The cohort's discussion space -----------------------------------------------------------


def test_only_participants_and_facilitators_read_and_write(cohort, mentor, member, community):
    other = members(community, 1, prefix="o")[0]
    actions.do_enrol(member, cohort)
    thread = actions.do_start_thread(member, cohort, title="Week 1", body="Hello *all*")
    actions.do_reply(mentor, thread, body="Welcome!")
    assert [p.body for p in CohortPost.objects.all()] == ["Hello *all*", "Welcome!"]
    thread.refresh_from_db()
    assert thread.post_count == 2
    for person in (other,):
        with pytest.raises(ActionError) as err:
            actions.do_reply(person, thread, body="Can I?")
        assert err.value.status == 403
        with pytest.raises(ActionError):
            actions.do_start_thread(person, cohort, title="Mine", body="x")
    # Pages: the outsider to the cohort is refused; the list and thread are not public.
    assert _client(other).get(f"/cohorts/{cohort.pk}/discussion/").status_code == 403
    assert _client(other).get(thread.get_absolute_url()).status_code == 403
    anonymous = Client().get(thread.get_absolute_url())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # A participant who withdraws loses access.
    actions.do_withdraw(member, cohort)
    with pytest.raises(ActionError):
        actions.do_reply(member, thread, body="Still here?")


def test_the_discussion_pages(cohort, member):
    actions.do_enrol(member, cohort)
    client = _client(member)
    detail = client.get(cohort.get_absolute_url())
    assert f"/cohorts/{cohort.pk}/discussion/" in detail.text
    url = f"/cohorts/{cohort.pk}/discussion/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "", "body": ""}).status_code == 400
    response = client.post(url, {"title": "Reading group", "body": "Who reads **chapter 2**?"})
    assert response.status_code == 302
    thread = CohortThread.objects.get()
    page = client.get(thread.get_absolute_url())
    assert "<strong>chapter 2</strong>" in page.text
    assert client.post(thread.get_absolute_url(), {"body": " "}).status_code == 400
    assert client.post(thread.get_absolute_url(), {"body": "Me!"}).status_code == 302
    assert "Me!" in client.get(thread.get_absolute_url()).text
    assert client.get(f"/cohorts/{cohort.pk}/discussion/99999/").status_code == 404


def test_the_discussion_api(cohort, mentor, member, community):
    other = members(community, 1, prefix="o")[0]
    actions.do_enrol(member, cohort)
    api = Api(member)
    response = api("post", f"/cohorts/{cohort.pk}/threads", {"title": "Q", "body": "Why?"})
    assert response.status_code == 201, response.json()
    thread_id = response.json()["id"]
    reply = Api(mentor)(
        "post", f"/cohorts/{cohort.pk}/threads/{thread_id}/posts", {"body": "Because."}
    )
    assert reply.status_code == 201
    body = api("get", f"/cohorts/{cohort.pk}/threads/{thread_id}").json()
    assert [p["body"] for p in body["posts"]] == ["Why?", "Because."]
    assert api("get", f"/cohorts/{cohort.pk}/threads").json()["count"] == 1
    assert (
        api("post", f"/cohorts/{cohort.pk}/threads", {"title": "", "body": "x"}).status_code == 400
    )
    refused = Api(other)("get", f"/cohorts/{cohort.pk}/threads")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Api(other)("get", f"/cohorts/{cohort.pk}/threads/{thread_id}").status_code == 403


def test_the_thread_list_runs_a_bounded_number_of_queries(cohort, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actions.do_enrol(member, cohort)
    client = _client(member)
    url = f"/cohorts/{cohort.pk}/discussion/"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    actions.do_start_thread(member, cohort, title="One", body="x")
    count()  # warm the per-process caches (content types, the session)
    few = count()
    for i in range(15):
        actions.do_start_thread(member, cohort, title=f"T{i}", body="x")
    assert count() == few


# --- Evidence next to a skill --------------------------------------------------------------------


def test_evidence_shows_modules_answers_adoptions_and_endorsements(
    community, programme, modules, cohort, mentor, member
):
    from koinon.discussions import actions as discussions
    from koinon.discussions.tests.factories import make_question, make_reply
    from koinon.library import actions as library
    from koinon.library.tests.factories import make_practice

    skill = actions.skill_named("Facilitation")
    programme.skills.add(skill)
    actions.do_enrol(member, cohort)
    actions.do_mark_done(member, cohort, modules[0])
    question = make_question(mentor, community, title="Opening a workshop?", tags=["facilitation"])
    answer = make_reply(member, question, body="Start with a check-in round.")
    discussions.do_accept_answer(mentor, answer)
    practice = make_practice(mentor, community, title="Check-in round", tags=["facilitation"])
    library.do_adopt(member, practice)
    actions.do_assess_skill(member, skill=skill, level=3)
    page = _client(member).get(f"/learning/skills/{skill.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "Why facilitate" in text  # the module done
    assert "Opening a workshop?" in text  # the accepted answer
    assert "Check-in round" in text  # the practice adopted
    assert "0 endorsements" in text
    body = Api(member)("get", f"/me/skill-evidence/{skill.pk}").json()
    assert [m["title"] for m in body["modules_done"]] == ["Why facilitate"]
    assert [a["title"] for a in body["accepted_answers"]] == ["Opening a workshop?"]
    assert [p["title"] for p in body["adopted_practices"]] == ["Check-in round"]
    assert Api(member)("get", "/me/skill-evidence/99999").status_code == 404
    assert Api()("get", f"/me/skill-evidence/{skill.pk}").status_code == 401
