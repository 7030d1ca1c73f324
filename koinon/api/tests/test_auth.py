"""Who may call the API, and how: tokens, scopes, sessions with CSRF, rate limits."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from koinon.accounts.models import ApiToken, TokenScope
from koinon.api.tests.conftest import Api

pytestmark = pytest.mark.django_db


def test_bearer_token_identifies_the_person(member, as_user):
    response = as_user(member).get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == "mia@example.org"


def test_anonymous_gets_401_on_me(anon):
    response = anon.get("/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_gets_401(anon):
    response = anon.get("/me", HTTP_AUTHORIZATION="Bearer kn_nonsense")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_other_authorization_scheme_gets_401(member, anon):
    response = anon.get("/me", HTTP_AUTHORIZATION="Basic bWlhOnB3")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_authorization"


def test_bad_token_is_refused_even_on_public_endpoints(community, anon):
    response = anon.get("/communities", HTTP_AUTHORIZATION="Bearer kn_nonsense")
    assert response.status_code == 401


def test_revoked_token_gets_401(member):
    token, raw = ApiToken.issue(member, name="old")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert Api(token=raw).get("/me").status_code == 401


def test_token_unused_for_too_long_gets_401(member, settings):
    token, raw = ApiToken.issue(member, name="dusty")
    long_ago = timezone.now() - timedelta(days=settings.API_TOKEN_UNUSED_DAYS + 1)
    ApiToken.objects.filter(pk=token.pk).update(created_at=long_ago, last_used_at=long_ago)
    assert Api(token=raw).get("/me").status_code == 401


def test_token_of_inactive_person_gets_401(member, as_user):
    api = as_user(member)
    member.is_active = False
    member.save()
    assert api.get("/me").status_code == 401


def test_token_of_erased_person_gets_401(member, as_user):
    api = as_user(member)
    member.erased_at = timezone.now()
    member.save()
    assert api.get("/me").status_code == 401


@pytest.mark.parametrize("name", ["token", "access_token"])
def test_token_in_the_address_gets_400(member, name):
    _token, raw = ApiToken.issue(member, name="leaky")
    response = Api().get(f"/me?{name}={raw}")
    assert response.status_code == 400
    assert response.json()["code"] == "token_in_query"


def test_read_token_may_read(member, as_user):
    assert as_user(member, TokenScope.READ).get("/me/profile").status_code == 200


@pytest.mark.parametrize(
    "method,path,data",
    [
        ("patch", "/me", {"language": "it"}),
        ("patch", "/me/profile", {"headline": "x"}),
        ("put", "/me/skills/Python", {"level": 3}),
        ("delete", "/me/skills/Python", None),
        ("post", "/communities/pm/leave", None),
    ],
)
def test_read_token_may_not_write(member, as_user, method, path, data):
    response = as_user(member, TokenScope.READ).call(method, path, data)
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert member.memberships.exists()


def test_last_used_is_recorded_at_most_once_a_minute(member):
    token, raw = ApiToken.issue(member, name="busy")
    api = Api(token=raw)
    api.get("/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/me")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


# --- Session ----------------------------------------------------------------------


def _session(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_may_read_without_csrf(member):
    api = Api(_session(member))
    assert api.get("/me").json()["email"] == "mia@example.org"


def test_session_write_without_csrf_token_gets_403(member):
    api = Api(_session(member))
    response = api.patch("/me", {"language": "it"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    member.refresh_from_db()
    assert member.language == "en"


def test_session_write_with_csrf_token_works(member):
    client = _session(member)
    client.get("/api/v1/docs")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = Api(client).patch("/me", {"language": "it"}, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.language == "it"


def test_session_of_erased_person_gets_401(member):
    client = _session(member)
    member.erased_at = timezone.now()
    member.save()
    assert Api(client).get("/me").status_code == 401


# --- Rate limits ------------------------------------------------------------------


def test_anonymous_callers_are_limited_per_ip(community, anon, settings):
    settings.API_RATE_LIMITS = {"anon": 3, "user": 100}
    for _ in range(3):
        assert anon.get("/communities").status_code == 200
    response = anon.get("/communities")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    other_ip = anon.get("/communities", REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 200


def test_people_are_limited_per_person(member, outsider, as_user, settings):
    settings.API_RATE_LIMITS = {"anon": 1, "user": 2}
    api = as_user(member)
    assert api.get("/me").status_code == 200
    assert api.get("/me").status_code == 200
    assert api.get("/me").status_code == 429
    assert as_user(outsider).get("/me").status_code == 200


def test_session_reads_my_profile_and_public_lists(member, community):
    api = Api(_session(member))
    assert api.get("/me/profile").json()["display_name"] == "Mia"
    assert api.get("/communities").json()["items"][0]["my_role"] == "member"
