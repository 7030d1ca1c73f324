import pytest
from django.urls import reverse

from koinon.accounts.models import ApiToken
from koinon.accounts.tests.factories import ProfileSkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["user", "profile", "skill", "profileskill", "apitoken"])
def test_admin_lists_and_forms_open(admin_client, member, model):
    ProfileSkillFactory(user=member)
    ApiToken.issue(member, "script")
    assert admin_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    obj = {
        "user": member,
        "profile": member.profile,
        "skill": member.skills.get().skill,
        "profileskill": member.skills.get(),
        "apitoken": ApiToken.objects.get(),
    }[model]
    response = admin_client.get(reverse(f"admin:accounts_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_admin_can_add_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302


def test_token_hash_is_read_only_in_admin(admin_client, member):
    token, _raw = ApiToken.issue(member, "script")
    html = admin_client.get(
        reverse("admin:accounts_apitoken_change", args=[token.pk])
    ).content.decode()
    assert token.token_hash in html
    assert 'name="token_hash"' not in html
