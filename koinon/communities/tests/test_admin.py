import pytest
from django.urls import reverse

from koinon.accounts.tests.factories import UserFactory
from koinon.communities import actions

pytestmark = pytest.mark.django_db

MODELS = ["community", "membership", "invitation", "joinrequest", "group", "groupmembership"]


@pytest.mark.parametrize("model", MODELS)
def test_operators_can_browse_every_community_model(client, community, owner, requester, model):
    actions.do_invite(owner, community, email="new@example.org")
    actions.do_create_group(owner, community, name="G", slug="g", kind="study")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:communities_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:communities_{model}_add")).status_code == 200


def test_the_community_admin_page_shows_its_members(client, community, owner):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:communities_community_change", args=[community.pk]))
    assert response.status_code == 200
    assert owner.email in response.content.decode() or str(owner.pk) in response.content.decode()
