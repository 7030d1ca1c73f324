"""The people directory across my communities, and skill endorsements."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory, UserFactory
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.lib.errors import ActionError
from koinon.network import actions, queries
from koinon.network.models import Endorsement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def names(response):
    return {row["person"].display_name for row in response.context["rows"]}


def profile(user, **fields):
    for key, value in fields.items():
        setattr(user.profile, key, value)
    user.profile.save()
    return user


def test_the_directory_lists_people_who_share_a_community(client, member, mentor, outsider):
    client.force_login(member)
    response = client.get(reverse("people-directory"))
    assert response.status_code == 200
    assert "Martina" in names(response) and "Otto" not in names(response)
    assert "Mia" not in names(response)


def test_public_profiles_are_listed_too(client, member, outsider):
    profile(outsider, visibility="everyone")
    client.force_login(member)
    assert "Otto" in names(client.get(reverse("people-directory")))


def test_hidden_profiles_are_never_listed_nor_matched(client, member, mentor):
    profile(mentor, visibility="me", sector="Health")
    client.force_login(member)
    assert "Martina" not in names(client.get(reverse("people-directory") + "?sector=Health"))
    assert "Martina" not in names(client.get(reverse("people-directory")))


def test_secret_community_members_are_not_revealed(client, member, outsider):
    secret = CommunityFactory(visibility="secret")
    MembershipFactory(community=secret, user=outsider)
    client.force_login(member)
    assert "Otto" not in names(client.get(reverse("people-directory")))


def test_filter_by_skill_and_level(client, member, mentor, moderator):
    skill = SkillFactory(name="Python")
    ProfileSkillFactory(user=mentor, skill=skill, level=5)
    ProfileSkillFactory(user=moderator, skill=skill, level=2)
    client.force_login(member)
    assert names(client.get(reverse("people-directory") + "?skill=python")) == {
        "Martina",
        "Marco",
    }
    assert names(client.get(reverse("people-directory") + "?skill=python&min_level=4")) == {
        "Martina"
    }


@pytest.mark.parametrize(
    "query, fields",
    [
        ("expertise=risk", {"expertise_areas": ["Risk management"]}),
        ("sector=health", {"sector": "Health"}),
        ("language=it", {"languages": ["it"]}),
        ("place=Torino", {"city": "Torino"}),
        ("place=it", {"country": "IT"}),
        ("open_to=mentoring", {"open_to_mentoring": True}),
        ("q=acme", {"organisation": "ACME"}),
    ],
)
def test_filters(client, member, mentor, moderator, query, fields):
    profile(mentor, **fields)
    client.force_login(member)
    assert names(client.get(reverse("people-directory") + "?" + query)) == {"Martina"}


def test_a_bad_level_is_a_form_error(client, member):
    client.force_login(member)
    response = client.get(reverse("people-directory") + "?min_level=9")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_the_htmx_answer_is_the_results_only(client, member, mentor):
    client.force_login(member)
    response = client.get(reverse("people-directory"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="people-results"' in body and "<h1>" not in body


def test_the_directory_runs_bounded_queries_with_200_people(
    client, community, member, django_assert_max_num_queries
):
    skill = SkillFactory(name="Python")
    for _ in range(200):
        person = MembershipFactory(community=community).user
        ProfileSkillFactory(user=person, skill=skill, level=4)
    client.force_login(member)
    with django_assert_max_num_queries(18, info="the directory must not query per person"):
        response = client.get(reverse("people-directory") + "?skill=Python")
    assert response.context["page"].paginator.count == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(reverse("people-directory")).status_code == 302


# --- Endorsements --------------------------------------------------------------


@pytest.fixture
def python(mentor):
    skill = SkillFactory(name="Python")
    ProfileSkillFactory(user=mentor, skill=skill, level=4)
    return skill


def test_members_endorse_each_others_skills_once(member, mentor, python):
    actions.do_endorse_skill(member, mentor, python)
    assert queries.endorsement_count(mentor) == 1
    with pytest.raises(ActionError) as exc:
        actions.do_endorse_skill(member, mentor, python)
    assert exc.value.status == 409


def test_self_endorsement_is_refused(mentor, python):
    with pytest.raises(ActionError) as exc:
        actions.do_endorse_skill(mentor, mentor, python)
    assert exc.value.code == "self_endorsement" and exc.value.status == 400


def test_only_people_sharing_a_community_may_endorse(mentor, outsider, python):
    with pytest.raises(ActionError) as exc:
        actions.do_endorse_skill(outsider, mentor, python)
    assert exc.value.status == 403


def test_a_skill_not_listed_cannot_be_endorsed(member, mentor):
    with pytest.raises(ActionError) as exc:
        actions.do_endorse_skill(member, mentor, SkillFactory(name="Cooking"))
    assert exc.value.code == "skill_not_held"


def test_endorse_and_withdraw_through_the_page(client, member, mentor, python):
    client.force_login(member)
    url = reverse("network-endorse", args=[mentor.pk, python.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "1 endorsement" in response.content.decode()
    assert "Withdraw endorsement for Python" in response.content.decode()
    client.post(url, {"withdraw": "1"})
    assert not Endorsement.objects.exists()


def test_the_endorsements_partial_renders_counts_and_buttons(rf, member, mentor, python):
    actions.do_endorse_skill(member, mentor, python)
    request = rf.get("/")
    request.user = UserFactory()
    html = Template("{% load network %}{% person_endorsements person %}").render(
        Context({"request": request, "person": mentor})
    )
    assert "Python" in html and "1 endorsement" in html and "Endorse for" not in html
    request.user = member
    html = Template("{% load network %}{% person_endorsements person %}").render(
        Context({"request": request, "person": mentor})
    )
    assert "Withdraw endorsement for Python" in html


def test_the_person_actions_tag_renders(rf, member, mentor):
    request = rf.get("/")
    request.user = member
    html = Template("{% load network %}{% person_network_actions person %}").render(
        Context({"request": request, "person": mentor})
    )
    assert "Connect" in html and "Send a message" in html and f"?to={mentor.pk}" in html


def test_endorsement_counts_in_bulk(member, mentor, moderator, python, django_assert_num_queries):
    actions.do_endorse_skill(member, mentor, python)
    actions.do_endorse_skill(moderator, mentor, python)
    with django_assert_num_queries(1):
        assert queries.endorsement_counts([mentor.pk, member.pk]) == {mentor.pk: 2}
