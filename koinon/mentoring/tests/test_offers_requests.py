import pytest

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.lib.errors import ActionError, Forbidden
from koinon.mentoring import actions, policy
from koinon.mentoring.models import MentoringOffer, RequestSkill, Wish
from koinon.mentoring.tests.factories import make_offer, make_request

pytestmark = pytest.mark.django_db


def test_offer_takes_the_levels_from_the_mentors_profile(mentor):
    offer = make_offer(mentor, {"SQL": 5, "Scrum": 2}, languages=["it", "EN"], capacity=3)
    levels = {s.skill.name: s.level for s in offer.offer_skills.select_related("skill")}
    assert levels == {"SQL": 5, "Scrum": 2}
    assert offer.languages == ["it", "en"] and offer.capacity == 3 and offer.is_active


def test_offer_refuses_a_skill_missing_from_the_profile(mentor):
    with pytest.raises(ActionError) as error:
        actions.do_create_offer(mentor, topics="Data", skills=["Cobol"])
    assert error.value.field == "skills" and "Cobol" in str(error.value.message)
    assert not MentoringOffer.objects.exists()


@pytest.mark.parametrize("capacity", [0, -1, "many", 51])
def test_offer_needs_a_capacity_of_at_least_one(mentor, capacity):
    with pytest.raises(ActionError) as error:
        make_offer(mentor, capacity=capacity)
    assert error.value.field == "capacity"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"topics": " "}, "topics"),
        ({"format": "telepathy"}, "format"),
        ({"languages": ["xx"]}, "languages"),
    ],
)
def test_offer_bad_input_names_the_field(mentor, fields, field):
    with pytest.raises(ActionError) as error:
        make_offer(mentor, **fields)
    assert error.value.field == field


def test_offer_in_a_community_needs_membership(mentor):
    elsewhere = CommunityFactory()
    with pytest.raises(Forbidden):
        make_offer(mentor, community=elsewhere)


def test_mentor_changes_and_pauses_the_offer(mentor, member):
    offer = make_offer(mentor, {"SQL": 4})
    actions.do_update_offer(mentor, offer, capacity=2, is_active=False, skills=[])
    offer.refresh_from_db()
    assert offer.capacity == 2 and not offer.is_active and not offer.offer_skills.exists()
    with pytest.raises(Forbidden):
        actions.do_update_offer(member, offer, capacity=5)


def test_people_who_share_a_community_see_a_platform_wide_offer(mentor, member, outsider):
    offer = make_offer(mentor)
    assert list(policy.visible_offers_for(member)) == [offer]
    assert list(policy.visible_offers_for(mentor)) == [offer]
    assert not policy.visible_offers_for(outsider).exists()


def test_offer_scoped_to_a_community_is_for_its_members(community, mentor, member):
    other = CommunityFactory(visibility="secret")
    MembershipFactory(community=other, user=mentor)
    colleague = UserFactory()
    MembershipFactory(community=other, user=colleague)
    offer = make_offer(mentor, community=other)
    assert list(policy.visible_offers_for(colleague)) == [offer]
    assert not policy.visible_offers_for(member).exists()  # shares pm, not `other`


def test_anonymous_sees_no_offers(mentor, client):
    make_offer(mentor)
    from django.contrib.auth.models import AnonymousUser

    assert not policy.visible_offers_for(AnonymousUser()).exists()


def test_request_keeps_the_wishes_and_the_profile_time_zone(member):
    member.profile.time_zone = "Europe/Rome"
    member.profile.save()
    request = make_request(member, {"SQL": Wish.PRIORITY, "sql ": Wish.USEFUL, "Scrum": 1})
    assert request.time_zone == "Europe/Rome" and request.status == "open"
    wishes = {rs.skill.name: rs.wish for rs in RequestSkill.objects.select_related("skill")}
    assert wishes == {"SQL": 2, "Scrum": 1}


def test_request_accepts_a_plain_list_of_skills(member):
    request = make_request(member, ["Risk", "Budget"], languages=["it"])
    assert sorted(request.skills.values_list("name", flat=True)) == ["Budget", "Risk"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"goals": ""}, "goals"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"skills": {"SQL": 7}}, "skills"),
        ({"skills": [f"s{i}" for i in range(21)]}, "skills"),
    ],
)
def test_request_bad_input_names_the_field(member, fields, field):
    with pytest.raises(ActionError) as error:
        make_request(member, **fields)
    assert error.value.field == field


def test_request_is_seen_by_people_who_share_a_community(member, mentor, outsider):
    request = make_request(member)
    assert list(policy.visible_requests_for(mentor)) == [request]
    assert not policy.visible_requests_for(outsider).exists()


def test_self_mentoring_is_refused(mentor):
    offer = make_offer(mentor)
    with pytest.raises(ActionError) as error:
        actions.do_ask_mentor(mentor, offer)
    assert error.value.code == "self_mentoring"


def test_only_the_mentee_closes_the_request(member, mentor):
    request = make_request(member)
    with pytest.raises(Forbidden):
        actions.do_close_request(mentor, request)
    actions.do_close_request(member, request)
    request.refresh_from_db()
    assert request.status == "closed"
