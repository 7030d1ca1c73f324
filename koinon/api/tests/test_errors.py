"""Bad input gets one JSON error shape with field details, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


def _assert_shape(body):
    assert set(body) == {"detail", "code", "errors"}
    assert all(set(e) == {"field", "message"} for e in body["errors"])


def test_malformed_json_gets_400(member, as_user):
    response = as_user(member).call("patch", "/me/profile", raw="{not json")
    assert response.status_code == 400
    _assert_shape(response.json())
    assert response.json()["code"] == "malformed_json"


def test_unknown_fields_get_400_listing_them(member, as_user):
    response = as_user(member).patch("/me/profile", {"headline": "Hi", "salary": 1, "age": 3})
    assert response.status_code == 400
    body = response.json()
    _assert_shape(body)
    assert body["code"] == "unknown_fields"
    assert {e["field"] for e in body["errors"]} == {"salary", "age"}
    assert "salary" in body["detail"] and "age" in body["detail"]


def test_invalid_values_get_400_with_fields(owner, as_user):
    response = as_user(owner).post("/communities", {"slug": "no spaces!", "name": "X"})
    assert response.status_code == 400
    body = response.json()
    _assert_shape(body)
    assert body["code"] == "invalid"
    assert {"slug", "kind", "domain", "purpose"} <= {e["field"] for e in body["errors"]}


def test_null_for_a_field_gets_400(member, as_user):
    response = as_user(member).patch("/me/profile", {"headline": None})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "headline"


def test_body_that_is_not_an_object_gets_400(member, as_user):
    response = as_user(member).call("patch", "/me/profile", raw="[1, 2]")
    assert response.status_code == 400
    _assert_shape(response.json())


def test_invalid_query_parameter_gets_400(community, anon):
    response = anon.get("/communities?page=zero")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page"


def test_action_error_keeps_its_status_code_and_field(community, owner, member, as_user):
    response = as_user(owner).post("/communities/pm/transfer", {"new_owner": 999999})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_member"
    assert body["errors"][0]["field"] == "new_owner"


def test_conflict_gets_409(community, owner, as_user):
    payload = {"slug": "pm", "name": "Again", "kind": "practice", "domain": "d", "purpose": "p"}
    response = as_user(owner).post("/communities", payload)
    assert response.status_code == 409
    assert response.json()["code"] == "slug_taken"
    assert response.json()["errors"][0]["field"] == "slug"


def test_hidden_and_missing_give_the_same_404(secret_community, outsider, as_user):
    api = as_user(outsider)
    hidden = api.get("/communities/hidden-circle")
    missing = api.get("/communities/no-such-thing")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    _assert_shape(hidden.json())


def test_forbidden_gets_403(community, member, as_user):
    response = as_user(member).patch("/communities/pm", {"name": "Mine now"})
    assert response.status_code == 403
    _assert_shape(response.json())
    community.refresh_from_db()
    assert community.name == "Project Managers"


def test_last_owner_leaving_gets_409(community, owner, as_user):
    response = as_user(owner).post("/communities/pm/leave")
    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"


def test_unexpected_errors_are_json_500(member, as_user, monkeypatch):
    from koinon.accounts import actions

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(actions, "do_set_language", broken)
    response = as_user(member).patch("/me", {"language": "it"})
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()


def test_errors_speak_the_callers_language(member, as_user):
    member.language = "it"
    member.save()
    response = as_user(member).get("/communities/nothing-here")
    assert response.json()["detail"] == "Non trovato."


def test_unknown_address_gets_a_json_404(anon):
    response = anon.get("/no/such/endpoint")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_own_checks_read_without_pydantic_prefix(community, moderator, as_user):
    response = as_user(moderator).post("/communities/pm/invitations", {"email": "nope"})
    assert response.json()["errors"] == [
        {"field": "email", "message": "Enter a valid e-mail address."}
    ]


def test_a_nul_character_never_gets_a_500(member, community, as_user):
    """PostgreSQL stores no NUL in text: 400 there; SQLite takes it. Never a 500."""
    from django.db import connection

    client = as_user(member)
    search = client.get("/search?q=kanban%00board")
    profile = client.patch("/me/profile", {"headline": "Hi\u0000there"})
    for response in (search, profile):
        if connection.vendor == "postgresql":
            assert response.status_code == 400
            _assert_shape(response.json())
            assert response.json()["code"] == "invalid"
        else:
            assert response.status_code < 500
