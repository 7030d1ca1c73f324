"""Playwright against Debian's Chromium and pytest-django's live server.

Helpers: `mailbox` (the e-mails the site sends, as files), `shot` (screenshots into
test-artifacts/), `assert_accessible` (axe-core: no serious or critical violations) and
`network` (every request the page makes, to prove none leaves our host).
"""

import contextlib
import email
import email.policy
import os
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Sync Playwright runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run scripts/ensure-chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _site_is_the_live_server(request, settings):
    """Links in e-mails point at the live server, like SITE_URL does in production."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url
        # Plain local-memory caching, so rate limits start afresh with every test.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": request.node.nodeid,
            }
        }


_warmed = set()


def _warm_up(url: str) -> None:
    """Load the home page once per server before the browser's short timeouts apply.

    The first request imports every view and compiles the base templates, which on a
    busy machine takes longer than a browser step may wait.
    """
    if url in _warmed:
        return
    # A server that does not answer is reported by the journey itself.
    with contextlib.suppress(OSError):
        urllib.request.urlopen(url + "/", timeout=120).read()  # noqa: S310 -- the live server
    _warmed.add(url)


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile in the Italian UI."""
    _warm_up(live_server.url)
    context = browser.new_context(
        base_url=live_server.url,
        locale="it-IT",
        extra_http_headers={"Accept-Language": "it"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.js_errors = errors
    yield page


# --- Network: nothing leaves our host ---------------------------------------------------


class Network:
    def __init__(self, live_url: str):
        self.host = urlsplit(live_url).netloc
        self.urls: list[str] = []

    def watch(self, page_or_context):
        page_or_context.on("request", lambda request: self.urls.append(request.url))
        return self

    def third_party(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != self.host
        ]

    def assert_only_our_host(self):
        assert self.urls, "no request was recorded"
        assert self.third_party() == [], f"requests to other hosts: {self.third_party()}"


@pytest.fixture
def network(context, live_server):
    return Network(live_server.url).watch(context)


# --- Screenshots -----------------------------------------------------------------------


@pytest.fixture
def shot(request):
    """shot(page, "name") saves test-artifacts/<test>/<nn>-<name>.png (full page)."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 1000))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- Accessibility -----------------------------------------------------------------------


def _assert_accessible(page, *, context=None):
    """axe-core (WCAG 2.1 A/AA rules) finds no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    }
    results = Axe().run(page, context=context, options=options)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in bad
    )
    assert not bad, f"accessibility violations on {page.url}:\n{report}"


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): axe-core finds no serious or critical violation."""
    return _assert_accessible


# --- Mail --------------------------------------------------------------------------------


class Mailbox:
    """The file-based e-mail backend's folder, read like an inbox."""

    def __init__(self, folder: Path, site_url: str):
        self.folder = folder
        self.site_url = site_url

    def messages(self) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(self.folder.glob("*"), key=lambda p: p.stat().st_mtime_ns):
            for raw in re.split(rb"\n-{79}\n", path.read_bytes()):
                if raw.strip():
                    found.append(email.message_from_bytes(raw, policy=email.policy.default))
        return found

    def wait_for(self, to: str, timeout: float = 10.0) -> email.message.EmailMessage:
        """The newest message to `to`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            mine = [m for m in self.messages() if to.lower() in str(m["To"]).lower()]
            if mine:
                return mine[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail to {to} in {self.folder}")
            time.sleep(0.2)

    @staticmethod
    def text(message) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content()

    def link(self, to: str, containing: str = "") -> str:
        """The first link to our site in the newest e-mail to `to`."""
        message = self.wait_for(to)
        links = re.findall(r"https?://[^\s<>\"']+", self.text(message))
        ours = [u for u in links if u.startswith(self.site_url) and containing in u]
        assert ours, f"no link containing {containing!r} in:\n{self.text(message)}"
        return ours[0]


@pytest.fixture
def mailbox(settings, tmp_path, live_server):
    folder = tmp_path / "mail"
    folder.mkdir()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(folder)
    return Mailbox(folder, live_server.url)
