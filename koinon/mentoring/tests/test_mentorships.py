import threading

import pytest
from django.db import connection
from django.http import Http404

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.mentoring import actions, policy
from koinon.mentoring.models import Mentorship
from koinon.mentoring.tests.factories import make_offer, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(mentor):
    return make_offer(mentor, {"SQL": 4}, capacity=1)


@pytest.fixture
def asked(offer, member):
    return actions.do_ask_mentor(member, offer, request=make_request(member))


@pytest.fixture
def running(asked, mentor):
    return actions.do_accept_mentorship(mentor, asked)


def another_member(community):
    person = UserFactory()
    MembershipFactory(community=community, user=person)
    return person


def test_asking_creates_a_requested_mentorship(asked, mentor, member):
    assert (asked.status, asked.mentor, asked.mentee) == ("requested", mentor, member)


def test_asking_the_same_mentor_twice_is_a_conflict(asked, offer, member):
    with pytest.raises(Conflict) as error:
        actions.do_ask_mentor(member, offer)
    assert error.value.code == "already_asked"


def test_asking_a_mentor_at_capacity_is_refused(running, offer, community):
    with pytest.raises(Conflict) as error:
        actions.do_ask_mentor(another_member(community), offer)
    assert error.value.status == 409 and error.value.code == "mentor_at_capacity"


def test_asking_an_offer_you_cannot_see_is_404(offer, outsider):
    with pytest.raises(ActionError) as error:
        actions.do_ask_mentor(outsider, offer)
    assert error.value.status == 404


def test_mentor_accepts_and_the_request_is_matched(running):
    running.refresh_from_db()
    running.request.refresh_from_db()
    assert running.status == "accepted" and running.request.status == "matched"
    assert ActivityEntry.objects.filter(verb="mentoring.accepted").exists()


def test_accepting_twice_is_a_409(running, mentor):
    with pytest.raises(Conflict) as error:
        actions.do_accept_mentorship(mentor, running)
    assert error.value.status == 409


def test_the_mentee_cannot_accept(asked, member):
    with pytest.raises(Forbidden):
        actions.do_accept_mentorship(member, asked)


def test_accepting_beyond_capacity_is_refused(offer, mentor, member, community):
    first = actions.do_ask_mentor(member, offer)
    second = actions.do_ask_mentor(another_member(community), offer)
    actions.do_accept_mentorship(mentor, first)
    with pytest.raises(Conflict) as error:
        actions.do_accept_mentorship(mentor, second)
    assert error.value.code == "mentor_at_capacity"
    assert Mentorship.objects.filter(status__in=["accepted", "active"]).count() == 1


def test_declined_frees_nothing_and_cannot_be_accepted(asked, mentor):
    actions.do_decline_mentorship(mentor, asked)
    with pytest.raises(Conflict):
        actions.do_accept_mentorship(mentor, asked)


def test_life_cycle_to_completed_with_feedback_once_each(running, mentor, member):
    actions.do_start_mentorship(member, running)
    actions.do_finish_mentorship(mentor, running, completed=True)
    running.refresh_from_db()
    assert running.status == "completed"
    actions.do_leave_feedback(member, running, rating=5, comment="Great")
    actions.do_leave_feedback(mentor, running, rating=4)
    assert running.feedback.count() == 2
    with pytest.raises(Conflict) as error:
        actions.do_leave_feedback(member, running, rating=1)
    assert error.value.code == "already_given"


def test_a_finished_mentorship_frees_the_place(running, member, offer, community):
    actions.do_finish_mentorship(member, running, completed=False)
    assert actions.do_ask_mentor(another_member(community), offer).status == "requested"


def test_feedback_waits_for_the_end(running, member):
    with pytest.raises(Conflict):
        actions.do_leave_feedback(member, running, rating=5)


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_feedback_rating_is_1_to_5(running, member, rating):
    actions.do_finish_mentorship(member, running)
    with pytest.raises(ActionError) as error:
        actions.do_leave_feedback(member, running, rating=rating)
    assert error.value.field == "rating"


def test_goals_with_progress_or_done(running, mentor, member):
    learn = actions.do_add_goal(member, running, title="Learn window functions")
    ship = actions.do_add_goal(mentor, running, title="Ship the report", kind="done")
    actions.do_set_goal_progress(member, learn, 40)
    actions.do_set_goal_progress(mentor, ship, True)
    learn.refresh_from_db()
    ship.refresh_from_db()
    assert (learn.progress, ship.is_done) == (40, True)


@pytest.mark.parametrize("progress", [-1, 101, "lots", None])
def test_goal_progress_is_0_to_100(running, member, progress):
    goal = actions.do_add_goal(member, running, title="Learn")
    with pytest.raises(ActionError) as error:
        actions.do_set_goal_progress(member, goal, progress)
    assert error.value.field == "progress"


def test_outsiders_and_moderators_cannot_touch_goals(running, moderator, outsider):
    goal = actions.do_add_goal(running.mentee, running, title="Learn")
    for person in (moderator, outsider):
        with pytest.raises(ActionError) as error:
            actions.do_set_goal_progress(person, goal, 100)
        assert error.value.status == 404


def test_notes_are_private_to_the_pair(running, mentor, member, moderator, owner):
    note = actions.do_add_note(mentor, running, body="We talked about **indexes**")
    assert "<strong>indexes</strong>" in note.body_html
    assert policy.get_mentorship_for(member, running.pk).notes.get() == note
    for person in (moderator, owner):
        assert not policy.mentorships_for(person).exists()
        with pytest.raises(Http404):
            policy.get_mentorship_for(person, running.pk)
        with pytest.raises(ActionError):
            actions.do_add_note(person, running, body="Peek")


def test_notes_wait_for_acceptance(asked, member):
    with pytest.raises(Conflict):
        actions.do_add_note(member, asked, body="Too early")


# --- Pairing by hand ------------------------------------------------------------------


def test_moderator_pairs_by_hand_with_an_audit_entry(offer, community, moderator, mentor, member):
    mentorship = actions.do_pair_by_hand(moderator, community, mentor=mentor, mentee=member)
    assert mentorship.status == "accepted" and mentorship.paired_by == moderator
    entry = ActivityEntry.objects.get(verb="mentoring.paired")
    assert entry.actor == moderator and entry.community == community
    assert entry.data == {"mentor": mentor.pk, "mentee": member.pk}


def test_community_mentor_may_pair_too(community, mentor, member):
    other_mentor = another_member(community)
    make_offer(other_mentor)
    assert actions.do_pair_by_hand(mentor, community, mentor=other_mentor, mentee=member)


def test_a_member_cannot_pair(offer, community, mentor, member):
    with pytest.raises(Forbidden):
        actions.do_pair_by_hand(another_member(community), community, mentor=mentor, mentee=member)


def test_pairing_respects_capacity_and_membership(running, community, moderator, mentor, outsider):
    with pytest.raises(Conflict):
        actions.do_pair_by_hand(
            moderator, community, mentor=mentor, mentee=another_member(community)
        )
    with pytest.raises(ActionError) as error:
        actions.do_pair_by_hand(moderator, community, mentor=mentor, mentee=outsider)
    assert error.value.code == "not_members"


def test_pairing_someone_with_themself_is_refused(offer, community, moderator, mentor):
    with pytest.raises(ActionError) as error:
        actions.do_pair_by_hand(moderator, community, mentor=mentor, mentee=mentor)
    assert error.value.code == "self_mentoring"


def test_pairing_needs_an_offer(community, moderator, member):
    with pytest.raises(ActionError) as error:
        actions.do_pair_by_hand(
            moderator, community, mentor=another_member(community), mentee=member
        )
    assert error.value.code == "no_offer"


# --- The last place, taken by two at once ---------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; needs row locks"
)
def test_two_accepts_at_once_never_exceed_capacity(community, mentor):
    offer = make_offer(mentor, capacity=1)
    asks = [actions.do_ask_mentor(another_member(community), offer) for _ in range(4)]
    barrier = threading.Barrier(len(asks))
    outcomes = []

    def accept(mentorship):
        try:
            barrier.wait()
            actions.do_accept_mentorship(mentor, mentorship)
            outcomes.append("accepted")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in asks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["mentor_at_capacity"] * 3
    assert Mentorship.objects.filter(offer=offer, status="accepted").count() == 1
