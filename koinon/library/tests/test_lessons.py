import pytest
from django.urls import reverse

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.library import actions
from koinon.library.models import ChangeProposal, Lesson
from koinon.library.tests.factories import make_lesson, make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def anonymous_ok(community):
    community.allow_anonymous = True
    community.save()
    return community


LESSON_POST = {
    "title": "Retro without a facilitator",
    "context": "Small team",
    "tried": "Everyone ran it together",
    "outcome": "partly",
    "learned": "Someone must keep time",
    "recommend": "Rotate the facilitator",
}


# --- Actions -----------------------------------------------------------------------


def test_member_logs_a_lesson_linked_to_practices(community, member):
    practice = make_practice(member, community)
    lesson = make_lesson(member, community, practices=[practice])
    assert list(lesson.practices.all()) == [practice]
    entry = ActivityEntry.objects.get(verb="lesson.created")
    assert entry.actor == member and entry.data["outcome"] == "failed"


def test_unknown_outcome_is_a_field_error(community, member):
    with pytest.raises(ActionError) as caught:
        make_lesson(member, community, outcome="exploded")
    assert caught.value.field == "outcome"


def test_outsider_cannot_log_a_lesson(community, outsider):
    with pytest.raises(Forbidden):
        make_lesson(outsider, community)


def test_anonymous_lesson_needs_the_community_to_allow_it(community, member):
    with pytest.raises(Forbidden):
        make_lesson(member, community, is_anonymous=True)


def test_anonymous_lesson_keeps_the_author_but_logs_no_actor(anonymous_ok, member):
    lesson = make_lesson(member, anonymous_ok, is_anonymous=True)
    assert lesson.author == member
    entry = ActivityEntry.objects.get(verb="lesson.created")
    assert entry.actor is None and entry.data["anonymous"] is True


def test_practices_of_another_community_are_refused(community, member):
    other = CommunityFactory()
    MembershipFactory(community=other, user=member)
    foreign = make_practice(member, other)
    with pytest.raises(ActionError) as caught:
        make_lesson(member, community, practices=[foreign])
    assert caught.value.field == "practices"


def test_a_lesson_proposes_a_change_and_the_maintainer_accepts_it(community, member, mentor):
    practice = make_practice(member, community)
    lesson = make_lesson(
        mentor, community, proposal_practice=practice, proposal="Add a written summary."
    )
    proposal = ChangeProposal.objects.get()
    assert (proposal.lesson, proposal.practice, proposal.status) == (lesson, practice, "open")
    assert practice in lesson.practices.all()
    actions.do_decide_proposal(member, proposal, accept=True, reason="Makes sense")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.reason) == (
        "accepted",
        member,
        "Makes sense",
    )
    assert ActivityEntry.objects.filter(verb="practice.proposal_accepted").exists()
    with pytest.raises(Conflict):
        actions.do_decide_proposal(member, proposal, accept=False)


def test_only_maintainers_or_moderators_decide_proposals(community, member, mentor, moderator):
    practice = make_practice(member, community)
    make_lesson(mentor, community, proposal_practice=practice, proposal="Change it.")
    proposal = ChangeProposal.objects.get()
    with pytest.raises(Forbidden):
        actions.do_decide_proposal(mentor, proposal, accept=True)
    actions.do_decide_proposal(moderator, proposal, accept=False, reason="Not now")
    assert ChangeProposal.objects.get().status == "declined"


def test_a_proposal_needs_both_practice_and_text(community, member):
    practice = make_practice(member, community)
    with pytest.raises(ActionError) as caught:
        make_lesson(member, community, proposal_practice=practice, proposal="")
    assert caught.value.field == "proposal"
    with pytest.raises(ActionError) as caught:
        make_lesson(member, community, proposal="Change something")
    assert caught.value.field == "proposal_practice"


def test_author_edits_a_lesson_but_others_cannot(community, member, mentor, moderator):
    lesson = make_lesson(member, community)
    data = dict(LESSON_POST)
    actions.do_edit_lesson(member, lesson, **data)
    assert Lesson.objects.get().outcome == "partly"
    with pytest.raises(Forbidden):
        actions.do_edit_lesson(mentor, lesson, **data)
    actions.do_edit_lesson(moderator, lesson, **data)


# --- Pages -------------------------------------------------------------------------


def test_member_logs_a_lesson_with_a_proposal_from_the_practice_page(
    client, community, member, mentor
):
    practice = make_practice(member, community)
    client.force_login(mentor)
    form = client.get(reverse("lesson-create", args=["pm"]) + f"?practice={practice.slug}")
    assert form.status_code == 200
    response = client.post(
        reverse("lesson-create", args=["pm"]),
        {
            **LESSON_POST,
            "practices": [practice.pk],
            "proposal_practice": practice.pk,
            "proposal": "Name a timekeeper",
        },
    )
    lesson = Lesson.objects.get()
    assert response.status_code == 302 and response["Location"] == lesson.get_absolute_url()
    client.force_login(member)
    text = client.get(practice.get_absolute_url()).content.decode()
    assert "Name a timekeeper" in text and "Accept" in text
    assert "Lesson learned:" in text  # in the timeline
    proposal = ChangeProposal.objects.get()
    response = client.post(reverse("proposal-decide", args=[proposal.pk]), {"decision": "accept"})
    assert response.status_code == 302
    assert ChangeProposal.objects.get().status == "accepted"


def test_plain_member_cannot_decide_a_proposal(client, community, member, mentor):
    practice = make_practice(member, community)
    make_lesson(mentor, community, proposal_practice=practice, proposal="Change it")
    client.force_login(mentor)
    proposal = ChangeProposal.objects.get()
    assert (
        client.post(
            reverse("proposal-decide", args=[proposal.pk]), {"decision": "accept"}
        ).status_code
        == 403
    )
    text = client.get(practice.get_absolute_url()).content.decode()
    assert "Change it" in text and 'value="accept"' not in text


def test_invalid_decision_is_400(client, community, member):
    practice = make_practice(member, community)
    make_lesson(member, community, proposal_practice=practice, proposal="Change it")
    client.force_login(member)
    proposal = ChangeProposal.objects.get()
    assert (
        client.post(
            reverse("proposal-decide", args=[proposal.pk]), {"decision": "maybe"}
        ).status_code
        == 400
    )


def test_lesson_form_errors_are_400(client, community, member):
    client.force_login(member)
    response = client.post(reverse("lesson-create", args=["pm"]), {"title": "x", "outcome": "boom"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_anonymous_lesson_never_shows_the_author(client, anonymous_ok, member, moderator):
    lesson = make_lesson(member, anonymous_ok, is_anonymous=True, title="Secretly failed")
    client.force_login(moderator)
    for address in (
        lesson.get_absolute_url(),
        reverse("lesson-list", args=["pm"]),
        reverse("lesson-errors", args=["pm"]),
    ):
        text = client.get(address).content.decode()
        assert "Secretly failed" in text
        assert "Mia" not in text, address
    assert "Anonymous member" in client.get(lesson.get_absolute_url()).content.decode()


def test_author_can_still_edit_an_anonymous_lesson(client, anonymous_ok, member):
    lesson = make_lesson(member, anonymous_ok, is_anonymous=True)
    client.force_login(member)
    response = client.post(reverse("lesson-edit", args=["pm", lesson.pk]), LESSON_POST)
    assert response.status_code == 302
    assert Lesson.objects.get().title == LESSON_POST["title"]
    assert ActivityEntry.objects.get(verb="lesson.edited").actor is None


def test_errors_view_lists_failed_and_partly_ones_without_any_names(
    client, community, member, mentor
):
    make_lesson(member, community, title="It blew up", outcome="failed")
    make_lesson(mentor, community, title="Half a success", outcome="partly")
    make_lesson(member, community, title="Smooth sailing", outcome="worked")
    client.force_login(member)
    client.get(reverse("home"))
    text = client.get(reverse("lesson-errors", args=["pm"])).content.decode()
    assert "It blew up" in text and "Half a success" in text
    assert "Smooth sailing" not in text
    body = text.split("<main", 1)[1]
    assert "Mia" not in body and "Martina" not in body


def test_lesson_list_filters_by_outcome(client, community, member):
    make_lesson(member, community, title="It blew up", outcome="failed")
    make_lesson(member, community, title="Smooth sailing", outcome="worked")
    text = client.get(reverse("lesson-list", args=["pm"]) + "?outcome=worked").content.decode()
    assert "Smooth sailing" in text and "It blew up" not in text


def test_lesson_lists_are_bounded(client, community, member, django_assert_max_num_queries):
    practice = make_practice(member, community)
    for n in range(35):
        make_lesson(member, community, title=f"Lesson {n}", practices=[practice])
    client.force_login(member)
    client.get(reverse("home"))
    for name in ("lesson-list", "lesson-errors"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name, args=["pm"])).status_code == 200


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_outsiders_never_see_lessons_of_closed_communities(
    client, community, member, outsider, visibility
):
    lesson = make_lesson(member, community, title="Private failure")
    community.visibility = visibility
    community.save()
    client.force_login(outsider)
    assert client.get(lesson.get_absolute_url()).status_code == 404
    for name in ("lesson-list", "lesson-errors"):
        response = client.get(reverse(name, args=["pm"]))
        assert response.status_code in (403, 404)
        assert "Private failure" not in response.content.decode()
