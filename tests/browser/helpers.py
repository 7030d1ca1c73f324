"""Helpers shared by the journeys."""

from django.test import Client


def logged_in_page(browser, live_server, user, network=None, width=1280, timeout=15_000):
    """A fresh browser profile carrying a session for `user`, who reads Italian.

    Its requests are watched by `network` (only 127.0.0.1 may be reached) and its
    JavaScript errors collected in `page.js_errors`.
    """
    user.language = "it"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url,
        locale="it-IT",
        extra_http_headers={"Accept-Language": "it"},
        viewport={"width": width, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(timeout)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    if network is not None:
        network.watch(context)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: page.js_errors.append(msg.text) if msg.type == "error" else None,
    )
    return page
