"""The API docs work in a real Chromium under our Content-Security-Policy, offline."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(monkeypatch):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run scripts/ensure-chromium")
    # Sync Playwright runs an event loop in this thread; the ORM must be told it is fine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def test_docs_render_every_endpoint_without_csp_errors_or_other_hosts(chromium, live_server):
    page = chromium.new_page()
    problems, urls = [], []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda request: urls.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body", timeout=5_000)
    assert page.locator(".opblock").count() >= 20
    assert problems == []
    host = urlsplit(live_server.url).netloc
    assert [
        u for u in urls if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host
    ] == []
