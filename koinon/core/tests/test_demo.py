import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command

from koinon.accounts.models import ProfileSkill, User
from koinon.communities.models import (
    Community,
    Group,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
    Visibility,
)
from koinon.core.demo import PASSWORD

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[3] / "README.md"


def _row_counts() -> dict:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.fixture
def demo():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_running_the_demo_twice_changes_nothing(demo):
    before = _row_counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _row_counts() == before
    assert before["accounts.User"] >= 30


def test_the_second_run_says_nothing_changed(demo, capsys):
    call_command("demo")
    assert "nothing changed" in capsys.readouterr().out


def test_every_demo_person_has_a_verified_primary_email_and_the_demo_password(demo):
    users = User.objects.all()
    assert 30 <= users.count() <= 40
    for user in users:
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists(), user.email
    assert User.objects.get(email="luca.ferrari@koinon.example").check_password(PASSWORD)


def test_profiles_are_filled_in_and_varied(demo):
    people = User.objects.filter(is_superuser=False).select_related("profile")
    profiles = [user.profile for user in people]
    assert all(p.display_name and p.headline and p.bio_html and p.sector for p in profiles)
    assert all(p.city and p.country and p.time_zone and p.languages for p in profiles)
    assert {p.visibility for p in profiles} == {"everyone", "communities", "me"}
    assert {u.language for u in people} == {"it", "en"}
    assert any(p.open_to_mentoring for p in profiles)
    assert any(p.open_to_being_mentored for p in profiles)
    assert any(p.open_to_jobs for p in profiles)
    assert ProfileSkill.objects.filter(level=5).exists()
    assert ProfileSkill.objects.filter(level__lte=2).exists()
    assert all(ProfileSkill.objects.filter(user=u).exists() for u in people)


def test_three_communities_of_each_kind_and_a_secret_one(demo):
    kinds = dict(
        Community.objects.exclude(visibility=Visibility.SECRET).values_list("slug", "kind")
    )
    assert kinds == {
        "consulenti-marketing": "professional",
        "data-analysis-programme": "learning",
        "project-manager": "practice",
    }
    assert Community.objects.get(slug="data-analysis-programme").formality == "formal"
    assert Community.objects.get(slug="project-manager").formality == "informal"
    assert Community.objects.filter(visibility=Visibility.SECRET).count() == 1
    cohort = Group.objects.get(
        community__slug="data-analysis-programme", slug="coorte-primavera-2026"
    )
    assert cohort.kind == "cohort"
    assert cohort.memberships.count() >= 5
    assert set(Group.objects.values_list("kind", flat=True)) == {
        "cohort",
        "study",
        "working",
        "project",
    }
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)


def test_a_join_request_and_an_invitation_are_pending(demo):
    assert JoinRequest.objects.filter(status=RequestStatus.PENDING).count() == 1
    assert Invitation.objects.filter(accepted_at=None, revoked_at=None).count() == 1


def _readme_accounts() -> dict[str, str]:
    table = README.read_text().split("**Demo accounts**", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", table, flags=re.M)
    return dict(rows)


def test_the_readme_lists_exactly_the_accounts_the_demo_creates(demo):
    accounts = _readme_accounts()
    assert set(accounts) == {
        "admin@koinon.example",
        "giulia.rossi@koinon.example",
        "marco.bianchi@koinon.example",
        "sara.conti@koinon.example",
        "luca.ferrari@koinon.example",
    }
    assert f"`{PASSWORD}`" in README.read_text().split("| e-mail |", 1)[0]
    for email in accounts:
        assert User.objects.get(email=email).check_password(PASSWORD)
    assert User.objects.get(email="admin@koinon.example").is_superuser

    def role(email, slug):
        return Membership.objects.get(user__email=email, community__slug=slug).role

    assert role("giulia.rossi@koinon.example", "consulenti-marketing") == Role.OWNER
    assert role("marco.bianchi@koinon.example", "data-analysis-programme") == Role.OWNER
    assert role("sara.conti@koinon.example", "project-manager") == Role.MODERATOR
    luca = Membership.objects.filter(user__email="luca.ferrari@koinon.example")
    assert luca.count() >= 2 and {m.role for m in luca} == {Role.MEMBER}


def test_the_demo_pages_render_for_its_people(demo, client):
    giulia = User.objects.get(email="giulia.rossi@koinon.example")
    client.force_login(giulia)
    for path in [
        "/",
        "/communities/",
        "/c/consulenti-marketing/",
        "/c/consulenti-marketing/members/",
        "/c/consiglio-direttivo-acm/",
        f"/people/{giulia.pk}/",
    ]:
        assert client.get(path).status_code == 200, path


def test_the_secret_demo_community_is_invisible_to_others(demo, client):
    luca = User.objects.get(email="luca.ferrari@koinon.example")
    client.force_login(luca)
    assert client.get("/c/consiglio-direttivo-acm/").status_code == 404
    assert "Consiglio direttivo" not in client.get("/communities/").content.decode()
    assert "Consiglio direttivo" not in client.get("/").content.decode()
