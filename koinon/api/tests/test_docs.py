import re

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_json_listing_the_paths(anon):
    response = anon.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/me/profile",
        "/api/v1/me/skills/{name}",
        "/api/v1/people/{user_id}",
        "/api/v1/communities",
        "/api/v1/communities/{slug}",
        "/api/v1/communities/{slug}/members",
        "/api/v1/communities/{slug}/members/{user_id}",
        "/api/v1/communities/{slug}/transfer",
        "/api/v1/communities/{slug}/invitations",
        "/api/v1/invitations/{invitation_id}",
        "/api/v1/invitations/{token}/accept",
        "/api/v1/communities/{slug}/join-requests",
        "/api/v1/join-requests/{request_id}/approve",
        "/api/v1/communities/{slug}/groups/{group_slug}/join",
    ):
        assert path in paths, path


def test_openapi_schema_documents_bearer_auth(anon):
    schemes = anon.get("/openapi.json").json()["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["ApiAuth"].items()


def test_docs_page_is_served_by_us(anon):
    response = anon.get("/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/api/docs.js" in html
    assert not re.search(r"https?://", html), "the docs page must not load from another host"


def test_docs_page_fits_the_content_security_policy(anon):
    response = anon.get("/docs")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    executable = [attrs for attrs in scripts if 'type="application/json"' not in attrs]
    assert executable and all(
        f'nonce="{nonce}"' in attrs and "src=" in attrs for attrs in executable
    )
    assert "style=" not in html and "<style" not in html
    assert '"validatorUrl": null' in html  # Swagger UI would call validator.swagger.io
