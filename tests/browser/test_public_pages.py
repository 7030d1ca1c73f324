"""The public pages, in Italian: accessible, self-contained, only necessary cookies."""

import pytest

PUBLIC_PAGES = [
    ("home", "/"),
    ("communities", "/communities/"),
    ("signup", "/accounts/signup/"),
    ("login", "/accounts/login/"),
    ("privacy", "/privacy/"),
    ("accessibility", "/accessibility/"),
]
STRICTLY_NECESSARY_COOKIES = {"csrftoken", "sessionid", "django_language"}


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=[n for n, _ in PUBLIC_PAGES])
def test_public_page_is_accessible_and_self_contained(
    page, context, network, live_server, shot, assert_accessible, name, path
):
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.get_by_role("link", name="Vai al contenuto").count() == 1
    assert page.get_by_role("link", name="Informativa sulla privacy").count() >= 1
    shot(page, name)
    assert_accessible(page)
    network.assert_only_our_host()
    assert page.js_errors == []
    for cookie in context.cookies():
        assert cookie["name"] in STRICTLY_NECESSARY_COOKIES, cookie["name"]
        assert cookie["domain"] in ("127.0.0.1", "localhost")
        assert cookie["sameSite"] == "Lax"


def test_a_phone_sized_screen_needs_no_sideways_scrolling(page, live_server, shot):
    page.set_viewport_size({"width": 320, "height": 640})
    for _name, path in PUBLIC_PAGES:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 320px"
    shot(page, "phone-accessibility")


def test_the_language_switcher_turns_the_page_english(page, live_server, shot):
    page.goto("/privacy/")
    assert page.locator("html").get_attribute("lang") == "it"
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/privacy/")
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "privacy-in-english")
    page.get_by_role("button", name="Italiano").click()
    assert page.locator("html").get_attribute("lang") == "it"


def test_the_api_docs_render_under_the_csp_without_third_parties(page, network, live_server):
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .title").first.wait_for()
    assert "Koinon" in page.locator(".swagger-ui .title").first.inner_text()
    assert page.js_errors == []
    network.assert_only_our_host()
