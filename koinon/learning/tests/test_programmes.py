import threading
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection

from koinon.communities.models import GroupKind, GroupMembership, GroupRole
from koinon.core.models import ActivityEntry
from koinon.learning import actions
from koinon.learning.models import (
    Enrolment,
    EnrolmentStatus,
    HandIn,
    Module,
    QuizChoice,
)
from koinon.learning.tests.factories import members
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def transaction_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_a_mentor_creates_a_programme_with_facilitators_outcomes_and_rubric(programme, mentor):
    assert programme.slug == "facilitation-basics"
    assert "<em>facilitate</em>" in programme.description_html
    assert programme.outcome_list == ["Run a retrospective", "Hold a check-in"]
    assert list(programme.facilitators.all()) == [mentor]
    assert [c.title for c in programme.criteria.all()] == ["Clarity", "Depth"]
    assert ActivityEntry.objects.filter(verb="programme.created").exists()


def test_a_plain_member_cannot_create_a_programme(community, member):
    with pytest.raises(ActionError) as err:
        actions.do_create_programme(member, community, title="X", description="Y")
    assert err.value.status == 403


def test_a_second_programme_with_the_same_address_is_a_conflict(programme, community, mentor):
    with pytest.raises(ActionError) as err:
        actions.do_create_programme(
            mentor, community, title="Facilitation basics", description="Again"
        )
    assert err.value.status == 409 and err.value.field == "slug"


def test_facilitators_must_be_members(community, mentor, outsider):
    with pytest.raises(ActionError) as err:
        actions.do_create_programme(
            mentor, community, title="X", description="Y", facilitators=[outsider]
        )
    assert err.value.field == "facilitators"


def test_modules_are_numbered_in_order(modules):
    assert [m.order for m in modules] == [1, 2, 3]
    assert modules[2].questions.count() == 2
    assert QuizChoice.objects.filter(question__module=modules[2], is_correct=True).count() == 2


def test_two_modules_cannot_share_a_place_in_the_order(programme, modules, mentor):
    with pytest.raises(ActionError) as err:
        actions.do_add_module(mentor, programme, title="Clash", order=2)
    assert err.value.status == 409
    with pytest.raises(IntegrityError):
        Module.objects.create(programme=programme, order=1, title="Direct")


def test_a_quiz_needs_a_correct_answer(programme, mentor):
    with pytest.raises(ActionError) as err:
        actions.do_add_module(
            mentor,
            programme,
            title="Quiz",
            activity="quiz",
            questions=[("Q?", [("a", False), ("b", False)])],
        )
    assert err.value.field == "questions"


def test_a_member_cannot_add_modules(programme, member):
    with pytest.raises(ActionError) as err:
        actions.do_add_module(member, programme, title="Mine")
    assert err.value.status == 403


def test_modules_link_resources_and_practices_of_the_same_community_only(
    programme, mentor, community
):
    from koinon.communities.tests.factories import CommunityFactory
    from koinon.library.models import Practice, Resource

    here = Resource.objects.create(community=community, kind="book", title="Here")
    elsewhere = Resource.objects.create(
        community=CommunityFactory(), kind="book", title="Elsewhere"
    )
    practice = Practice.objects.create(
        community=community, title="Check-in", slug="check-in", summary="s", body="b"
    )
    module = actions.do_add_module(
        mentor, programme, title="Read", resources=[here], practices=[practice]
    )
    assert list(module.resources.all()) == [here]
    assert list(module.practices.all()) == [practice]
    with pytest.raises(ActionError):
        actions.do_add_module(mentor, programme, title="Bad", resources=[elsewhere])


def test_a_cohort_comes_with_its_own_closed_cohort_group(cohort, mentor):
    group = cohort.group
    assert group.kind == GroupKind.COHORT
    assert group.is_open is False
    assert GroupMembership.objects.get(group=group, user=mentor).role == GroupRole.LEADER


def test_a_cohort_cannot_end_before_it_starts(programme, mentor):
    with pytest.raises(ActionError) as err:
        actions.do_create_cohort(
            mentor,
            programme,
            name="Backwards",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
        )
    assert err.value.field == "ends_on"


def test_open_enrolment_gives_a_place_and_group_membership(cohort, member):
    enrolment = actions.do_enrol(member, cohort)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert GroupMembership.objects.filter(group=cohort.group, user=member).exists()


def test_enrolling_twice_is_a_conflict(cohort, member):
    actions.do_enrol(member, cohort)
    with pytest.raises(ActionError) as err:
        actions.do_enrol(member, cohort)
    assert err.value.status == 409


def test_outsiders_cannot_enrol(cohort, outsider):
    with pytest.raises(ActionError) as err:
        actions.do_enrol(outsider, cohort)
    assert err.value.status == 403


def test_a_full_cohort_refuses_with_a_clear_error(cohort, community):
    cohort.capacity = 2
    cohort.save()
    first, second, third = members(community, 3)
    actions.do_enrol(first, cohort)
    actions.do_enrol(second, cohort)
    with pytest.raises(ActionError) as err:
        actions.do_enrol(third, cohort)
    assert err.value.status == 409 and err.value.code == "cohort_full"
    assert "full" in str(err.value.message)
    assert not Enrolment.objects.filter(user=third).exists()


def test_a_cohort_by_invitation_is_closed_to_the_uninvited(cohort, member, mentor):
    cohort.enrolment = "invitation"
    cohort.save()
    with pytest.raises(ActionError) as err:
        actions.do_enrol(member, cohort)
    assert err.value.status == 403 and err.value.code == "cohort_closed"
    actions.do_invite(mentor, cohort, member)
    assert actions.do_enrol(member, cohort).status == EnrolmentStatus.ACTIVE


def test_enrolment_on_request_waits_for_a_facilitator(cohort, member, mentor):
    cohort.enrolment = "request"
    cohort.save()
    enrolment = actions.do_enrol(member, cohort)
    assert enrolment.status == EnrolmentStatus.REQUESTED
    assert not GroupMembership.objects.filter(group=cohort.group, user=member).exists()
    with pytest.raises(ActionError) as err:
        actions.do_decide_enrolment(member, enrolment, approve=True)
    assert err.value.status == 403
    actions.do_decide_enrolment(mentor, enrolment, approve=True)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_approving_a_request_for_a_full_cohort_is_refused(cohort, community, mentor):
    cohort.enrolment = "request"
    cohort.capacity = 1
    cohort.save()
    a, b = members(community, 2)
    ea, eb = actions.do_enrol(a, cohort), actions.do_enrol(b, cohort)
    actions.do_decide_enrolment(mentor, ea, approve=True)
    with pytest.raises(ActionError) as err:
        actions.do_decide_enrolment(mentor, eb, approve=True)
    assert err.value.code == "cohort_full"


def test_an_ended_cohort_refuses_enrolment(cohort, member):
    cohort.starts_on = date.today() - timedelta(days=30)
    cohort.ends_on = date.today() - timedelta(days=1)
    cohort.save()
    with pytest.raises(ActionError) as err:
        actions.do_enrol(member, cohort)
    assert err.value.code == "cohort_ended"


def test_withdrawing_frees_the_place(cohort, community):
    cohort.capacity = 1
    cohort.save()
    a, b = members(community, 2)
    actions.do_enrol(a, cohort)
    actions.do_withdraw(a, cohort)
    assert actions.do_enrol(b, cohort).status == EnrolmentStatus.ACTIVE
    assert not GroupMembership.objects.filter(group=cohort.group, user=a).exists()


def test_quiz_is_marked_automatically(cohort, modules, member):
    quiz = modules[2]
    actions.do_enrol(member, cohort)
    questions = list(quiz.questions.all())
    right = {q.pk: q.choices.get(is_correct=True).pk for q in questions}
    answers = dict(right)
    answers[questions[1].pk] = questions[1].choices.get(is_correct=False).pk
    hand_in = actions.do_submit_hand_in(member, cohort, quiz, answers=answers)
    assert (hand_in.score, hand_in.max_score) == (1, 2)


def test_a_quiz_answer_to_a_question_that_does_not_exist_is_refused(cohort, modules, member):
    quiz = modules[2]
    actions.do_enrol(member, cohort)
    with pytest.raises(ActionError) as err:
        actions.do_submit_hand_in(member, cohort, quiz, answers={999999: 1})
    assert err.value.status == 400 and err.value.code == "unknown_question"
    assert not HandIn.objects.filter(submitted_at__isnull=False).exists()


def test_a_quiz_answer_from_another_question_is_refused(cohort, modules, member):
    quiz = modules[2]
    actions.do_enrol(member, cohort)
    q1, q2 = quiz.questions.all()
    with pytest.raises(ActionError) as err:
        actions.do_submit_hand_in(
            member,
            cohort,
            quiz,
            answers={q1.pk: q2.choices.first().pk, q2.pk: q2.choices.first().pk},
        )
    assert err.value.code == "unknown_choice"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_thirty_people_racing_for_five_places_never_overfill(programme, mentor, community):
    cohort = actions.do_create_cohort(
        mentor,
        programme,
        name="Race",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=30),
        capacity=5,
    )
    people = members(community, 30)
    barrier = threading.Barrier(len(people))
    outcomes = []

    def enrol(person):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            actions.do_enrol(person, cohort)
            outcomes.append("ok")
        except ActionError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes.append(repr(exc))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=enrol, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cohort_full"] * 25 + ["ok"] * 5
    assert Enrolment.objects.filter(cohort=cohort, status="active").count() == 5


def test_an_invitation_is_mailed_in_the_invitee_s_language(cohort, member, mentor, mailoutbox):
    member.language = "it"
    member.save()
    with transaction_commit():
        actions.do_invite(mentor, cohort, member)
    (message,) = mailoutbox
    assert message.to == [member.email]
    assert "Sei invitato" in message.subject
    assert f"http://testserver/cohorts/{cohort.pk}/" in message.body


def test_completion_is_mailed_with_the_verification_address(cohort, member, mentor, mailoutbox):
    enrolment = actions.do_enrol(member, cohort)
    with transaction_commit():
        actions.do_mark_completion(mentor, enrolment)
    enrolment.refresh_from_db()
    (message,) = mailoutbox
    assert "completed" in message.subject
    assert f"http://testserver/certificates/{enrolment.certificate_code}/" in message.body
