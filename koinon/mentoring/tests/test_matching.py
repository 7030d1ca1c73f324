"""Matching on a small fixed example: exact scores and reasons, order, exclusions, queries."""

import pytest
from django.utils import translation

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.mentoring.matching import match_offers, with_offers
from koinon.mentoring.models import MentoringRequest, Mentorship, Wish
from koinon.mentoring.tests.factories import make_offer, make_request

pytestmark = pytest.mark.django_db


def set_time_zone(user, name):
    user.profile.time_zone = name
    user.profile.save()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def example(community, member, mentor, moderator, owner):
    """Mia asks; Martina, Olivia and Marco offer (time zones without daylight saving)."""
    ux = CommunityFactory(slug="ux")
    MembershipFactory(community=ux, user=member)
    MembershipFactory(community=ux, user=owner)
    set_time_zone(mentor, "UTC")
    set_time_zone(owner, "Asia/Tokyo")
    set_time_zone(moderator, "Asia/Kolkata")
    martina = make_offer(mentor, {"SQL": 5, "Scrum": 2}, languages=["it", "en"], capacity=2)
    olivia = make_offer(owner, {"Scrum": 4, "Budget": 5}, languages=["it"], capacity=3)
    Mentorship.objects.create(offer=olivia, mentor=owner, mentee=UserFactory(), status="active")
    marco = make_offer(moderator, {"SQL": 3}, languages=["en"], capacity=1)
    request = make_request(
        member,
        {"SQL": Wish.PRIORITY, "Scrum": Wish.USEFUL},
        languages=["it"],
        time_zone="UTC",
    )
    return request, {"martina": martina, "olivia": olivia, "marco": marco}


def explained(matches):
    return [(m.offer.mentor.display_name, m.score, [str(r) for r in m.reasons]) for m in matches]


def test_scores_and_reasons_best_first(example):
    request, _offers = example
    assert explained(with_offers(match_offers(request))) == [
        (
            "Martina",
            81,
            [
                "Knows SQL at level 5, one of your priorities (+50)",
                "Knows Scrum at level 2 (+10)",
                "Both speak Italian (+10)",
                "Same time of day (+4)",
                "Has 2 free places (+4)",
                "Shares 1 community (+3)",
            ],
        ),
        (
            "Olivia",
            22,
            [
                "Knows Scrum at level 4 (+20)",
                "Both speak Italian (+10)",
                "9 hours apart (−18)",
                "Has 2 free places (+4)",
                "Shares 2 communities (+6)",
            ],
        ),
        (
            "Marco",
            14,
            [
                "Knows SQL at level 3, one of your priorities (+30)",
                "No language in common (−10)",
                "5.5 hours apart (−11)",
                "Has 1 free place (+2)",
                "Shares 1 community (+3)",
            ],
        ),
    ]


def test_each_score_is_the_sum_of_its_reasons(example):
    request, _offers = example
    for match in match_offers(request):
        assert match.score == sum(r.points for r in match.reasons)


def test_reasons_are_translated(example):
    request, _offers = example
    with translation.override("it"):
        best = match_offers(request, limit=1)[0]
        assert str(best.reasons[2]) == "Parlate entrambi: Italiano (+10)"


def test_a_mentor_without_a_free_place_is_not_proposed(example):
    request, offers = example
    Mentorship.objects.create(
        offer=offers["marco"],
        mentor=offers["marco"].mentor,
        mentee=UserFactory(),
        status="accepted",
    )
    assert [m.offer_id for m in match_offers(request)] == [
        offers["martina"].pk,
        offers["olivia"].pk,
    ]


def test_requested_or_finished_mentorships_take_no_place(example):
    request, offers = example
    for status in ("requested", "declined", "completed", "ended"):
        Mentorship.objects.create(
            offer=offers["marco"],
            mentor=offers["marco"].mentor,
            mentee=UserFactory(),
            status=status,
        )
    assert offers["marco"].pk in [m.offer_id for m in match_offers(request)]


def test_inactive_own_and_unshared_offers_are_left_out(example, member, outsider):
    request, offers = example
    offers["olivia"].is_active = False
    offers["olivia"].save()
    make_offer(member, {"SQL": 5})
    make_offer(outsider, {"SQL": 5})
    assert [m.offer_id for m in match_offers(request)] == [
        offers["martina"].pk,
        offers["marco"].pk,
    ]


def test_a_request_in_a_community_looks_only_there(example, member, owner):
    request, offers = example
    request.community = CommunityFactory(slug="elsewhere")
    MembershipFactory(community=request.community, user=member)
    MembershipFactory(community=request.community, user=owner)
    assert [m.offer_id for m in match_offers(request)] == [offers["olivia"].pk]


def test_limit_keeps_the_best(example):
    request, offers = example
    assert [m.offer_id for m in match_offers(request, limit=1)] == [offers["martina"].pk]


def test_matching_runs_the_same_queries_for_3_or_33_offers(
    example, community, django_assert_num_queries
):
    request = MentoringRequest.objects.select_related("mentee__profile").get(pk=example[0].pk)
    # skills wanted, communities, places taken, levels, shared, offers; then offers + skills
    with django_assert_num_queries(8):
        with_offers(match_offers(request))
    for i in range(30):
        mentor = UserFactory()
        MembershipFactory(community=community, user=mentor)
        make_offer(mentor, {"SQL": 1 + i % 5, f"Other {i}": 2}, languages=["it"])
    with django_assert_num_queries(8):
        matches = with_offers(match_offers(request, limit=None))
    assert len(matches) == 33
