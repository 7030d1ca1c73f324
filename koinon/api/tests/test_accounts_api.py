"""The caller's account, profile and skills; other people's profiles."""

import pytest

from koinon.accounts.models import ProfileSkill, ProfileVisibility
from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_says_who_i_am(member, as_user):
    body = as_user(member).get("/me").json()
    assert body["id"] == member.pk
    assert body["display_name"] == "Mia"
    assert body["language"] == "en"


def test_patch_me_changes_the_language(member, as_user):
    response = as_user(member).patch("/me", {"language": "it"})
    assert response.status_code == 200
    assert response.json()["language"] == "it"
    member.refresh_from_db()
    assert member.language == "it"


def test_patch_me_refuses_an_unknown_language(member, as_user):
    response = as_user(member).patch("/me", {"language": "xx"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "language"


def test_my_profile_shows_its_source_and_visibility(member, as_user):
    ProfileSkillFactory(user=member, skill=SkillFactory(name="Scrum"), level=4)
    body = as_user(member).get("/me/profile").json()
    assert body["display_name"] == "Mia"
    assert body["visibility"] == ProfileVisibility.COMMUNITIES
    assert body["skills"] == [{"name": "Scrum", "level": 4}]


def test_patch_my_profile_updates_every_kind_of_field(member, as_user):
    payload = {
        "display_name": "Mia Rossi",
        "headline": "PM in healthcare",
        "bio": "I like **Gantt** charts.",
        "organisation": "ASL",
        "sector": "Healthcare",
        "expertise_areas": ["risk", "agile"],
        "languages": ["it", "EN"],
        "time_zone": "Europe/Rome",
        "city": "Bologna",
        "country": "it",
        "open_to_mentoring": True,
        "links": ["https://example.org/mia"],
        "visibility": "everyone",
    }
    response = as_user(member).patch("/me/profile", payload)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["country"] == "IT"
    assert body["languages"] == ["it", "en"]
    assert "<strong>Gantt</strong>" in body["bio_html"]
    member.profile.refresh_from_db()
    assert member.profile.display_name == "Mia Rossi"
    assert member.profile.visibility == "everyone"
    assert member.profile.open_to_mentoring is True


@pytest.mark.parametrize(
    "field,value",
    [
        ("languages", ["klingon"]),
        ("links", ["javascript:alert(1)"]),
        ("links", ["ftp://example.org"]),
        ("time_zone", "Mars/Olympus"),
        ("country", "ITA"),
        ("visibility", "friends"),
        ("headline", "x" * 141),
        ("open_to_jobs", "maybe"),
    ],
)
def test_patch_my_profile_refuses_bad_values(member, as_user, field, value):
    response = as_user(member).patch("/me/profile", {field: value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].split(".")[0] == field


def test_my_skills_are_listed(member, as_user):
    ProfileSkillFactory(user=member, skill=SkillFactory(name="Kanban"), level=2)
    assert as_user(member).get("/me/skills").json() == [{"name": "Kanban", "level": 2}]


def test_put_skill_adds_then_changes_the_level(member, as_user):
    api = as_user(member)
    assert api.put("/me/skills/Risk management", {"level": 3}).json() == {
        "name": "Risk management",
        "level": 3,
    }
    assert api.put("/me/skills/risk MANAGEMENT", {"level": 5}).status_code == 200
    held = ProfileSkill.objects.get(user=member)
    assert (held.skill.name, held.level) == ("Risk management", 5)


@pytest.mark.parametrize("level", [0, 6, "high"])
def test_put_skill_refuses_a_level_outside_1_to_5(member, as_user, level):
    response = as_user(member).put("/me/skills/Python", {"level": level})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "level"
    assert not ProfileSkill.objects.filter(user=member).exists()


def test_delete_skill_removes_it(member, as_user):
    ProfileSkillFactory(user=member, skill=SkillFactory(name="Kanban"))
    assert as_user(member).delete("/me/skills/kanban").status_code == 204
    assert not ProfileSkill.objects.filter(user=member).exists()


def test_delete_a_skill_i_do_not_have_gets_404(member, as_user):
    SkillFactory(name="Kanban")
    assert as_user(member).delete("/me/skills/Kanban").status_code == 404
    assert as_user(member).delete("/me/skills/Nothing").status_code == 404


def test_public_profile_is_readable_by_anyone(anon):
    person = UserFactory(display_name="Pia")
    person.profile.visibility = ProfileVisibility.EVERYONE
    person.profile.headline = "Data analyst"
    person.profile.save()
    body = anon.get(f"/people/{person.pk}").json()
    assert body["display_name"] == "Pia"
    assert body["headline"] == "Data analyst"
    assert "email" not in body and "visibility" not in body


def test_community_profile_is_visible_to_co_members_only(member, mentor, outsider, as_user, anon):
    assert as_user(mentor).get(f"/people/{member.pk}").status_code == 200
    assert as_user(outsider).get(f"/people/{member.pk}").status_code == 404
    assert anon.get(f"/people/{member.pk}").status_code == 404


def test_private_profile_gets_the_same_404_as_nobody(member, mentor, as_user):
    member.profile.visibility = ProfileVisibility.ME
    member.profile.save()
    api = as_user(mentor)
    hidden = api.get(f"/people/{member.pk}")
    assert hidden.status_code == 404
    assert hidden.content == api.get("/people/999999").content
    assert as_user(member).get(f"/people/{member.pk}").status_code == 200
