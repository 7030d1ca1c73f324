"""The invitation e-mail: one message, a link from SITE_URL, in the invitee's language."""

import pytest
from django.core import mail

from koinon.accounts.tests.factories import UserFactory
from koinon.communities import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(community, moderator, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://koinon.example"

    def send(email, role="member"):
        with django_capture_on_commit_callbacks(execute=True):
            return actions.do_invite(moderator, community, email=email, role=role)

    return send


def test_inviting_sends_one_mail_with_a_link_from_the_site_url(invite):
    invitation = invite("new@example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    link = f"https://koinon.example/invitations/{invitation.token}/"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    assert "Project Managers" in message.subject


def test_the_link_ignores_the_request_host(
    client, invite, moderator, community, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://koinon.example"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/c/pm/invitations/",
            {"email": "x@example.org", "role": "member"},
            HTTP_HOST="evil.example",
        )
    assert "evil.example" not in mail.outbox[0].body
    assert "https://koinon.example/invitations/" in mail.outbox[0].body


def test_the_mail_is_in_the_invitee_language_when_they_have_an_account(invite):
    UserFactory(email="anna@example.org", language="it")
    invite("anna@example.org")
    message = mail.outbox[0]
    assert "Sei invitata" in message.subject or "invit" in message.subject.lower()
    assert "Accetta l'invito" in message.body


def test_the_mail_is_in_english_for_an_english_invitee(invite):
    UserFactory(email="john@example.org", language="en")
    invite("john@example.org")
    assert "Accept the invitation" in mail.outbox[0].body


def test_without_an_account_the_mail_is_in_the_inviter_language(invite, moderator):
    moderator.language = "it"
    moderator.save()
    invite("stranger@example.org")
    assert "Accetta l'invito" in mail.outbox[0].body


def test_a_failed_invitation_sends_no_mail(invite, member):
    with pytest.raises(actions.ActionError):
        invite(member.email)
    assert mail.outbox == []
