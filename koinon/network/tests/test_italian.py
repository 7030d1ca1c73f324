"""The pages speak Italian to an Italian member."""

import pytest
from django.urls import reverse

from koinon.messaging import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def italian(member):
    member.language = "it"
    member.save(update_fields=["language"])


@pytest.mark.parametrize(
    "name, text",
    [
        ("people-directory", "Altri filtri"),
        ("network-mine", "Persone che potresti voler conoscere"),
        ("messages-inbox", "Nuova conversazione"),
        ("conversation-new", "Nuova conversazione"),
        ("messages-blocked", "Persone bloccate"),
    ],
)
def test_pages_in_italian(client, member, mentor, name, text):
    client.force_login(member)
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 200 and text in response.content.decode()


def test_errors_in_italian(client, member, mentor):
    chat = actions.do_start_conversation(member, [mentor], first_message="Ciao")
    client.force_login(member)
    url = reverse("conversation-send", args=[chat.pk])
    response = client.post(url, {"body": "x" * 10_001}, HTTP_ACCEPT_LANGUAGE="it")
    assert "Un messaggio può avere al massimo" in response.content.decode()
