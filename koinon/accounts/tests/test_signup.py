import re

import pytest
from django.core import mail
from django.urls import reverse

from koinon.accounts.models import User
from koinon.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = "a-long-and-unusual-passphrase"


def _signup(client, email="new@example.org", password=GOOD, headers=None, **extra):
    data = {
        "email": email,
        "password1": password,
        "password2": password,
        "is_at_least_14": "on",
        "accepts_privacy": "on",
        **extra,
    }
    return client.post(reverse("account_signup"), data, headers=headers or {})


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_signup_page_asks_age_and_links_privacy_notice(client):
    html = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "I am at least 14 years old." in html
    assert f'<a href="{reverse("privacy")}">privacy notice</a>' in html
    assert "site-header" in html  # our layout, not allauth's bare page


def test_signup_page_is_in_italian_by_default(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'lang="it"' in html
    assert "Registrati" in html
    assert "informativa sulla privacy" in html


def test_signup_sends_verification_mail_with_site_url_link(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://koinon.example"
    response = _signup(client, headers={"host": "evil.example"})
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.org").exists()
    assert len(mail.outbox) == 1
    assert _link(mail.outbox[0]).startswith("https://koinon.example/accounts/confirm-email/")
    assert "evil.example" not in mail.outbox[0].body
    assert "example.com" not in mail.outbox[0].body  # not the Sites table's default
    assert mail.outbox[0].body.rstrip().endswith("\nkoinon.example")
    assert mail.outbox[0].subject.startswith("[Koinon] ")


def test_verification_link_verifies_and_logs_in(client, settings):
    _signup(client)
    link = _link(mail.outbox[0]).replace(settings.SITE_URL, "")
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("settings")).status_code == 200


def test_unverified_person_cannot_log_in(client):
    _signup(client)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new@example.org", "password": GOOD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_signup_without_age_confirmation_is_refused(client):
    response = _signup(client, is_at_least_14="")
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize("password", ["short1!", "password1234", "1234567890123"])
def test_weak_password_is_refused(client, password):
    response = _signup(client, password=password, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()
    assert "password" in response.content.decode().lower()


def test_short_password_error_names_the_minimum(client):
    html = _signup(client, password="abcxyz123").content.decode()
    assert "10" in html


def test_taken_email_is_refused(client):
    UserFactory(email="taken@example.org")
    response = _signup(client, email="taken@example.org")
    # allauth prevents enumeration: the form "succeeds" but no second account appears
    # and the owner of the address is told by e-mail.
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert response.status_code in (200, 302)


def test_taken_email_in_other_case_makes_no_second_account(client):
    UserFactory(email="taken@example.org")
    _signup(client, email="TAKEN@example.org")
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_signup_records_the_page_language(client):
    _signup(client, headers={"accept-language": "en"})
    assert User.objects.get(email="new@example.org").language == "en"


def test_digest_is_offered_unticked_and_only_sent_to_those_who_choose_it(client):
    from koinon.notifications.actions import digest_subscription

    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="weekly_digest"' in page
    assert 'name="weekly_digest" checked' not in page
    _signup(client, email="quiet@example.org")
    _signup(client, email="reader@example.org", weekly_digest="on")
    assert not digest_subscription(User.objects.get(email="quiet@example.org")).weekly
    assert digest_subscription(User.objects.get(email="reader@example.org")).weekly
