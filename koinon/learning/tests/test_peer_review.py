from collections import Counter

import pytest
from django.urls import reverse

from koinon.accounts.tests.factories import PASSWORD
from koinon.learning import actions
from koinon.learning.models import PeerReview
from koinon.learning.tests.factories import members
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def hand_ins_by(cohort, module, people):
    result = []
    for person in people:
        actions.do_enrol(person, cohort)
        result.append(actions.do_submit_hand_in(person, cohort, module, text=f"By {person.pk}"))
    return result


@pytest.fixture
def big_cohort(cohort):
    cohort.capacity = None
    cohort.save()
    return cohort


@pytest.mark.parametrize("size,n", [(2, 2), (3, 2), (7, 2), (10, 3)])
def test_reviews_are_assigned_round_robin_balanced_and_never_to_yourself(
    big_cohort, modules, community, mentor, size, n
):
    big_cohort.peer_reviewers = n
    big_cohort.save()
    people = members(community, size)
    hand_ins = hand_ins_by(big_cohort, modules[1], people)
    created = actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    expected = min(n, size - 1)
    assert len(created) == expected * size
    reviews = PeerReview.objects.select_related("hand_in__enrolment")
    assert all(r.reviewer_id != r.hand_in.enrolment.user_id for r in reviews)
    per_hand_in = Counter(r.hand_in_id for r in reviews)
    per_reviewer = Counter(r.reviewer_id for r in reviews)
    assert set(per_hand_in.values()) == {expected}
    assert set(per_reviewer.values()) == {expected}
    assert set(per_hand_in) == {h.pk for h in hand_ins}


def test_late_hand_ins_go_to_the_least_loaded_peers(big_cohort, modules, community, mentor):
    people = members(community, 6)
    hand_ins_by(big_cohort, modules[1], people[:5])
    actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    hand_ins_by(big_cohort, modules[1], people[5:])
    created = actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    assert len(created) == 2
    assert all(r.reviewer_id != people[5].pk for r in created)
    load = Counter(PeerReview.objects.values_list("reviewer_id", flat=True))
    assert max(load.values()) - min(load.get(p.pk, 0) for p in people[:5]) <= 1


def test_one_hand_in_is_not_enough_for_peer_review(big_cohort, modules, community, mentor):
    hand_ins_by(big_cohort, modules[1], members(community, 1))
    with pytest.raises(ActionError) as err:
        actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    assert err.value.code == "too_few_hand_ins"


def test_only_facilitators_assign_reviews(big_cohort, modules, member):
    with pytest.raises(ActionError) as err:
        actions.do_assign_peer_reviews(member, big_cohort, modules[1])
    assert err.value.status == 403


def test_reviewing_your_own_hand_in_is_forbidden(big_cohort, modules, community):
    (author,) = members(community, 1)
    (hand_in,) = hand_ins_by(big_cohort, modules[1], [author])
    with pytest.raises(ActionError) as err:
        actions.do_submit_peer_review(author, hand_in, scores={}, comment="Great")
    assert err.value.status == 403 and err.value.code == "own_hand_in"


def test_a_review_scores_every_criterion_from_1_to_5(big_cohort, modules, community, mentor):
    people = members(community, 3)
    hand_ins = hand_ins_by(big_cohort, modules[1], people)
    actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    review = PeerReview.objects.filter(hand_in=hand_ins[0]).first()
    reviewer = review.reviewer
    clarity, depth = big_cohort.programme.criteria.all()
    with pytest.raises(ActionError) as err:
        actions.do_submit_peer_review(reviewer, hand_ins[0], scores={clarity.pk: 6, depth.pk: 3})
    assert err.value.code == "out_of_range"
    with pytest.raises(ActionError):
        actions.do_submit_peer_review(reviewer, hand_ins[0], scores={clarity.pk: 4})
    with pytest.raises(ActionError):
        actions.do_submit_peer_review(reviewer, hand_ins[0], scores={999: 4, clarity.pk: 4})
    actions.do_submit_peer_review(
        reviewer, hand_ins[0], scores={clarity.pk: 4, depth.pk: 5}, comment="Clear"
    )
    review.refresh_from_db()
    assert review.scores == {str(clarity.pk): 4, str(depth.pk): 5} and review.submitted_at
    with pytest.raises(ActionError) as err:
        actions.do_submit_peer_review(reviewer, hand_ins[0], scores={clarity.pk: 4, depth.pk: 5})
    assert err.value.status == 409


def test_a_peer_not_assigned_cannot_review(big_cohort, modules, community):
    author, other = members(community, 2)
    (hand_in,) = hand_ins_by(big_cohort, modules[1], [author])
    with pytest.raises(ActionError) as err:
        actions.do_submit_peer_review(other, hand_in, scores={}, comment="x")
    assert err.value.code == "not_assigned"


def test_the_review_journey_in_the_pages(client, big_cohort, modules, community, mentor):
    author, reviewer = members(community, 2)
    hand_ins_by(big_cohort, modules[1], [author, reviewer])
    actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    hand_in = author.enrolments.get().hand_ins.get()
    clarity, depth = big_cohort.programme.criteria.all()
    url = reverse("learning-hand-in-review", args=[big_cohort.pk, hand_in.pk])
    assert client.login(email=author.email, password=PASSWORD)
    own = client.post(url, {f"c{clarity.pk}": "4", f"c{depth.pk}": "4", "comment": "me"})
    assert own.status_code == 403
    client.logout()
    assert client.login(email=reviewer.email, password=PASSWORD)
    page = client.get(big_cohort.get_absolute_url()).content.decode()
    assert "Hand-ins to review" in page
    detail = client.get(reverse("learning-hand-in", args=[big_cohort.pk, hand_in.pk]))
    assert detail.status_code == 200 and "Your peer review" in detail.content.decode()
    bad = client.post(url, {f"c{clarity.pk}": "9", "comment": "x"})
    assert bad.status_code == 400
    good = client.post(url, {f"c{clarity.pk}": "4", f"c{depth.pk}": "5", "comment": "Clear"})
    assert good.status_code == 302
    client.logout()
    assert client.login(email=author.email, password=PASSWORD)
    mine = client.get(reverse("learning-hand-in", args=[big_cohort.pk, hand_in.pk]))
    assert "Clarity: 4 of 5" in mine.content.decode()


def test_with_a_single_hand_in_another_participant_reviews_it(
    big_cohort, modules, community, mentor
):
    author, reader = members(community, 2)
    actions.do_enrol(reader, big_cohort)
    (hand_in,) = hand_ins_by(big_cohort, modules[1], [author])
    created = actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])
    assert [(r.hand_in_id, r.reviewer_id) for r in created] == [(hand_in.pk, reader.pk)]


def test_assigning_twice_adds_nothing(big_cohort, modules, community, mentor):
    hand_ins_by(big_cohort, modules[1], members(community, 4))
    assert len(actions.do_assign_peer_reviews(mentor, big_cohort, modules[1])) == 8
    assert actions.do_assign_peer_reviews(mentor, big_cohort, modules[1]) == []
