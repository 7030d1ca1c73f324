import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from koinon.accounts import actions
from koinon.accounts.models import ApiToken, hash_token
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def test_create_token_shows_raw_value_once(client, member):
    client.force_login(member)
    response = client.post(reverse("settings-tokens"), {"name": "reports", "scope": "write"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=member)
    html = response.content.decode()
    raw = html.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert raw.startswith("kn_") and hash_token(raw) == token.token_hash
    assert token.scope == "write"
    assert raw not in client.get(reverse("settings-tokens")).content.decode()


def test_token_list_shows_name_scope_hint(client, member):
    token, _raw = actions.do_create_token(member, name="reports")
    client.force_login(member)
    html = client.get(
        reverse("settings-tokens"), headers={"accept-language": "en"}
    ).content.decode()
    assert "reports" in html and token.hint in html and "Read only" in html
    assert token.token_hash not in html


def test_duplicate_token_name_is_a_form_error(client, member):
    actions.do_create_token(member, name="reports")
    client.force_login(member)
    response = client.post(reverse("settings-tokens"), {"name": "reports", "scope": "read"})
    assert (
        "already have a token" in response.content.decode()
        or "già un token" in response.content.decode()
    )
    assert ApiToken.objects.filter(user=member).count() == 1


def test_revoke_token(client, member):
    token, _raw = actions.do_create_token(member, name="reports")
    client.force_login(member)
    client.post(reverse("token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active


def test_cannot_revoke_someone_elses_token(client, member, owner):
    token, _raw = actions.do_create_token(owner, name="theirs")
    client.force_login(member)
    assert client.post(reverse("token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_unknown_scope_is_refused(member):
    with pytest.raises(ActionError):
        actions.do_create_token(member, name="x", scope="admin")


def _call(*args) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_creates_lists_and_revokes(member):
    raw = _call("create", "mia@example.org", "--name", "cli", "--scope", "write").strip()
    token = ApiToken.objects.get(user=member, name="cli")
    assert hash_token(raw) == token.token_hash and token.scope == "write"
    listing = _call("list", "mia@example.org")
    assert "cli" in listing and "write" in listing and raw not in listing
    _call("revoke", "mia@example.org", "cli")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "cli" not in _call("list", "mia@example.org")


def test_command_defaults_to_read_scope(member):
    _call("create", "MIA@example.org", "--name", "ro")
    assert ApiToken.objects.get(name="ro").scope == "read"


def test_command_errors_are_clear(member):
    with pytest.raises(CommandError, match="No active account"):
        _call("create", "nobody@example.org", "--name", "x")
    with pytest.raises(CommandError, match="No active token"):
        _call("revoke", "mia@example.org", "missing")
