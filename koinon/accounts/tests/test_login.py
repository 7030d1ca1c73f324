import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse

from koinon.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def person():
    user = UserFactory(email="ada@example.org", display_name="Ada")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _post_login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_by_email_then_logout(client, person):
    response = _post_login(client, "ada@example.org")
    assert response.status_code == 302
    assert client.get(reverse("settings")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("settings")).status_code == 302


def test_login_page_uses_our_layout_in_english(client):
    html = client.get(LOGIN, headers={"accept-language": "en"}).content.decode()
    assert "site-header" in html
    assert html.count("<h1") == 1
    assert "Sign In" in html


def test_wrong_password_is_refused(client, person):
    response = _post_login(client, "ada@example.org", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sixth_failed_login_for_one_account_is_refused_even_with_right_password(person):
    for n in range(5):
        # Different clients and addresses: only the per-account limit can apply.
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            LOGIN, {"login": "ada@example.org", "password": "wrong-password-x"}
        )
    client = Client(REMOTE_ADDR="10.0.0.99")
    response = _post_login(client, "ada@example.org")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_other_account_is_not_throttled_by_someone_elses_failures(person):
    bob = UserFactory(email="bob@example.org")
    EmailAddress.objects.create(email="bob@example.org", user=bob, verified=True, primary=True)
    for _n in range(5):
        Client(REMOTE_ADDR="10.0.0.7").post(
            LOGIN, {"login": "ada@example.org", "password": "wrong-password-x"}
        )
    response = _post_login(Client(REMOTE_ADDR="10.0.1.1"), "bob@example.org")
    assert response.status_code == 302


def test_many_failures_from_one_ip_are_throttled(person):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(6):
        client.post(LOGIN, {"login": f"nobody{n}@example.org", "password": "wrong-pass-y"})
    response = client.post(LOGIN, {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 429 or "_auth_user_id" not in client.session


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_password_reset_link_comes_from_site_url_and_works(client, person, settings):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://koinon.example"
    client.post(
        reverse("account_reset_password"),
        {"email": "ada@example.org"},
        headers={"host": "evil.example"},
    )
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    assert link.startswith("https://koinon.example/accounts/password/reset/key/")
    response = client.get(link.removeprefix("https://koinon.example"))
    assert response.status_code == 302  # allauth moves the key into the session
    new = "another-long-passphrase-42"
    response = client.post(response["Location"], {"password1": new, "password2": new})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)


def test_email_change_asks_for_the_password_again(client, person):
    client.force_login(person)  # no recent allauth authentication recorded
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "ada2@example.org"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="ada2@example.org").exists()
    client.post(response["Location"], {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "ada2@example.org"})
    assert EmailAddress.objects.filter(email="ada2@example.org", verified=False).exists()


def test_email_page_is_in_the_settings_layout(client, person):
    _post_login(client, "ada@example.org")
    html = client.get(reverse("account_email")).content.decode()
    assert "settings-nav" in html
    assert 'aria-current="page"' in html


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_two_factor_with_recovery_codes(client, person):
    _post_login(client, "ada@example.org")
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=person).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}
    client.post(reverse("account_logout"))

    response = _post_login(client, "ada@example.org")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes(Authenticator.objects.get(user=person, type="recovery_codes"))
    response = client.post(reverse("mfa_authenticate"), {"code": codes.get_unused_codes()[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_two_factor_page_is_in_the_settings_layout(client, person):
    _post_login(client, "ada@example.org")
    html = client.get(reverse("mfa_index"), headers={"accept-language": "en"}).content.decode()
    assert "settings-nav" in html
    assert "Two-Factor Authentication" in html


def test_log_out_my_other_sessions(person):
    laptop, phone = Client(), Client()
    _post_login(laptop, "ada@example.org")
    _post_login(phone, "ada@example.org")
    assert UserSession.objects.filter(user=person).count() == 2
    assert laptop.get(reverse("usersessions_list")).status_code == 200
    laptop.post(reverse("usersessions_list"))
    assert UserSession.objects.filter(user=person).count() == 1
    assert laptop.get(reverse("settings")).status_code == 200
    assert phone.get(reverse("settings")).status_code == 302


ALLOWED_COOKIES = {"sessionid", "csrftoken", "django_language"}


def test_only_strictly_necessary_cookies_after_signup_and_login(client):
    client.get(reverse("account_signup"))
    password = "a-long-and-unusual-passphrase"
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": password,
            "password2": password,
            "is_at_least_14": "on",
            "accepts_privacy": "on",
        },
    )
    link = _link(mail.outbox[0]).replace("http://testserver", "")
    client.post(link)
    client.get(reverse("settings"))
    client.post(reverse("account_logout"))
    _post_login(client, "new@example.org", password)
    client.get(reverse("home"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert set(client.cookies) <= ALLOWED_COOKIES
    assert {"sessionid", "csrftoken"} <= set(client.cookies)
