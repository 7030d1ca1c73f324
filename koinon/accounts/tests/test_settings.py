import pytest
from django.urls import reverse

from koinon.accounts.models import ProfileSkill, ProfileVisibility, Skill
from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = [
    "settings",
    "settings-skills",
    "settings-avatar",
    "settings-preferences",
    "settings-tokens",
    "settings-data",
    "settings-erase",
]


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_settings_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_settings_pages_render_with_one_h1_and_the_nav(client, member, name):
    client.force_login(member)
    html = client.get(reverse(name)).content.decode()
    assert html.count("<h1") == 1
    assert "settings-nav" in html
    assert 'aria-current="page"' in html


def _profile_post(**fields):
    data = {
        "display_name": "Mia Rossi",
        "headline": "PM",
        "bio": "Hello *world*",
        "organisation": "Acme",
        "sector": "Health",
        "expertise_areas": "agile, risk management, Agile",
        "languages": "it, EN",
        "time_zone": "Europe/Rome",
        "city": "Roma",
        "country": "it",
        "open_to_collaboration": "on",
        "links": "https://a.example.org\nhttp://b.example.org/x",
    }
    data.update(fields)
    return data


def test_profile_form_saves_and_parses_lists(client, member):
    client.force_login(member)
    response = client.post(reverse("settings"), _profile_post())
    assert response.status_code == 302
    profile = member.profile
    profile.refresh_from_db()
    assert profile.expertise_areas == ["agile", "risk management"]
    assert profile.languages == ["it", "en"]
    assert profile.links == ["https://a.example.org", "http://b.example.org/x"]
    assert profile.country == "IT"
    assert profile.open_to_collaboration and not profile.open_to_jobs
    assert "<em>world</em>" in profile.bio_html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("languages", "it, klingon", "Unknown language codes: klingon"),
        ("links", "javascript:alert(1)", "is not a web address"),
        ("time_zone", "Europe/Atlantis", "Select a valid choice"),
        ("country", "I1", "two-letter country code"),
    ],
)
def test_profile_form_errors_are_shown_next_to_the_field(client, member, field, value, message):
    client.force_login(member)
    response = client.post(
        reverse("settings"), _profile_post(**{field: value}), headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()


def test_add_skill_matches_existing_skill_whatever_the_case(client, member):
    SkillFactory(name="Scrum")
    client.force_login(member)
    response = client.post(reverse("settings-skills"), {"name": "  scrum ", "level": "4"})
    assert response.status_code == 302
    held = ProfileSkill.objects.get(user=member)
    assert held.skill.name == "Scrum" and held.level == 4
    assert Skill.objects.count() == 1


@pytest.mark.parametrize("level", ["0", "6", "x", ""])
def test_skill_level_outside_1_to_5_is_a_clear_error(client, member, level):
    client.force_login(member)
    response = client.post(
        reverse("settings-skills"),
        {"name": "Kanban", "level": level},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert not ProfileSkill.objects.filter(user=member).exists()
    html = response.content.decode()
    assert "from 1 to 5" in html or "This field is required" in html


def test_change_skill_level(client, member):
    held = ProfileSkillFactory(user=member, level=2)
    client.force_login(member)
    client.post(reverse("skill-update", args=[held.skill_id]), {"level": "5"})
    held.refresh_from_db()
    assert held.level == 5


def test_change_skill_level_to_9_is_refused(client, member):
    held = ProfileSkillFactory(user=member, level=2)
    client.force_login(member)
    response = client.post(
        reverse("skill-update", args=[held.skill_id]), {"level": "9"}, follow=True
    )
    held.refresh_from_db()
    assert held.level == 2
    assert "1" in response.content.decode()


def test_remove_skill(client, member):
    held = ProfileSkillFactory(user=member)
    client.force_login(member)
    client.post(reverse("skill-remove", args=[held.skill_id]))
    assert not ProfileSkill.objects.filter(user=member).exists()


def test_cannot_change_someone_elses_skill(client, member, owner):
    held = ProfileSkillFactory(user=owner, level=2)
    client.force_login(member)
    assert (
        client.post(reverse("skill-update", args=[held.skill_id]), {"level": "5"}).status_code
        == 404
    )
    client.post(reverse("skill-remove", args=[held.skill_id]))
    assert ProfileSkill.objects.filter(user=owner).exists()


def test_preferences_set_language_and_visibility(client, member):
    client.force_login(member)
    response = client.post(reverse("settings-preferences"), {"language": "it", "visibility": "me"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "it"
    assert member.profile.visibility == ProfileVisibility.ME
    html = client.get(reverse("settings-preferences")).content.decode()
    assert 'lang="it"' in html


def test_preferences_reject_unknown_visibility(client, member):
    client.force_login(member)
    response = client.post(reverse("settings-preferences"), {"language": "", "visibility": "all"})
    assert response.status_code == 400
    member.profile.refresh_from_db()
    assert member.profile.visibility == ProfileVisibility.COMMUNITIES
