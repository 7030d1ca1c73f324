import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr("koinon.core.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_security_txt_names_a_contact_and_a_future_expiry(client):
    from datetime import UTC, datetime, timedelta

    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"].startswith("mailto:")
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires - datetime.now(UTC) > timedelta(days=30)


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert client.get("/")["Content-Security-Policy"] != csp, "nonces must differ per request"


def test_vendored_assets_are_served_by_us(client):
    body = client.get("/").content.decode()
    assert "/static/vendor/htmx-2.0.11.min.js" in body
    assert "https://" not in body.split("<body")[0], "no third-party assets in <head>"


PUBLIC_PAGES = [
    "home",
    "community-list",
    "account_signup",
    "account_login",
    "privacy",
    "accessibility",
    "api:openapi-view",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_page_carries_the_security_headers(client, name):
    import re

    from django.urls import reverse

    response = client.get(reverse(name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    body = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body), "no third-party assets"
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or "nonce=" in tag or "application/json" in tag, tag


@pytest.mark.parametrize("name", [p for p in PUBLIC_PAGES if p != "api:openapi-view"])
def test_our_pages_have_no_inline_styles_or_event_handlers(client, name):
    import re

    from django.urls import reverse

    body = client.get(reverse(name)).content.decode()
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)
    assert not re.search(r"\shx-on", body)


STRICTLY_NECESSARY_COOKIES = {"csrftoken", "sessionid", "django_language"}


def test_pages_set_only_strictly_necessary_cookies(client):
    response = client.get("/")
    assert set(response.cookies) <= STRICTLY_NECESSARY_COOKIES
    for cookie in response.cookies.values():
        assert cookie["samesite"] == "Lax"
        assert not cookie["domain"], "cookies stay on our own host"


# --- Django admin ------------------------------------------------------------------


@pytest.fixture
def operator(db):
    from koinon.accounts.models import User

    return User.objects.create_superuser("operator@example.org", "operator-password-1")


def test_the_activity_log_is_read_only_in_the_admin(client, operator, owner, community):
    from koinon.core.activity import log_activity

    entry = log_activity(owner, "community.edited", community=community, target=community)
    client.force_login(operator)
    changelist = client.get("/admin/core/activityentry/")
    assert changelist.status_code == 200
    assert "community.edited" in changelist.content.decode()
    assert client.get("/admin/core/activityentry/add/").status_code == 403
    detail = client.get(f"/admin/core/activityentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/core/activityentry/{entry.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/core/activityentry/{entry.pk}/delete/").status_code == 403


def test_the_admin_index_works_for_operators(client, operator):
    client.force_login(operator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


# --- Languages ------------------------------------------------------------------------


def test_the_language_switcher_posts_to_set_language(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert 'name="language" value="en"' in body
    assert '<html lang="it">' in body


def test_switching_language_changes_the_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/privacy/"})
    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    assert response.cookies["django_language"].value == "en"
    body = client.get("/privacy/").content.decode()
    assert '<html lang="en">' in body
    assert 'name="language" value="it"' in body


def test_switching_language_refuses_a_foreign_next(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_missing_page_answers_404_in_our_layout_and_language(client):
    response = client.get("/c/no-such-community/", HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Pagina non trovata" in body
    assert 'id="main"' in body


def test_a_bad_host_header_is_refused_with_400_not_500(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_the_api_docs_link_is_the_api_docs_address():
    from django.urls import reverse

    from koinon.core.context_processors import API_DOCS_URL

    assert reverse("api:openapi-view") == API_DOCS_URL


def test_serving_a_page_does_not_import_the_api(tmp_path):
    """The API's endpoints and schemas wait for its first request (ninja itself is an
    installed app, for its documentation page's templates)."""
    import subprocess
    import sys

    snippet = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'koinon.settings'; "
        "django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from django.test import Client; c = Client(SERVER_NAME='localhost'); "
        "r = c.get('/privacy/'); m = sys.modules; "
        "print(r.status_code, 'koinon.discussions.api' in m, 'koinon.api.api' in m); "
        "r = c.get('/api/v1/communities'); print(r.status_code, 'koinon.api.api' in sys.modules)"
    )
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", snippet], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.stdout.split() == ["200", "False", "False", "200", "True"], result.stderr
