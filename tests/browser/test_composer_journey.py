"""The composer in the Italian UI: a member votes in a topic's poll (HTMX), quotes the
opening post into the reply box without a reload, adds an image through the composer's
button, and sends a reply that shows the image (served by our checked view) and links
the person @mentioned. Screenshots go to test-artifacts/test_poll_quote_image_reply/."""

import io
from datetime import timedelta

from PIL import Image

from koinon.discussions.tests.factories import make_topic
from koinon.polls.actions import do_create_poll
from koinon.polls.models import Vote
from tests.browser.test_notifications_journey import logged_in_page


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_poll_quote_image_reply(browser, live_server, community, owner, member, shot, settings):
    settings.ATTACHMENTS_ROOT = settings.MEDIA_ROOT / "attachments"
    for person in (owner, member):
        person.date_joined -= timedelta(days=30)
        person.save(update_fields=["date_joined"])
    topic = make_topic(owner, community, title="Retrospettive", body="Che formato usate?")
    poll = do_create_poll(owner, topic, question="Quanto spesso?", options=["Ogni sprint", "Mai"])

    page = logged_in_page(browser, live_server, member)
    page.goto(topic.get_absolute_url())
    page.evaluate("window.__notReloaded = true")

    # --- A vote through HTMX: the results update in place. ---
    page.locator("#poll label", has_text="Ogni sprint").click()
    page.locator("#poll form button[type=submit]").first.click()
    page.locator("#poll", has_text="la tua scelta").wait_for()
    assert Vote.objects.filter(poll=poll, user=member).count() == 1
    assert "1 voto (100%)" in page.locator("#poll").inner_text()
    shot(page, "voted")

    # --- Quote the opening post into the reply box. ---
    page.locator("article a.quote-link").first.click()
    textarea = page.locator("#reply-form textarea")
    assert textarea.input_value().startswith("> Che formato usate?")
    assert f"#post-{topic.posts.first().pk})" in textarea.input_value()

    # --- Add an image with the composer's button. ---
    page.locator("#reply-form .image-upload input[type=file]").set_input_files(
        {"name": "lavagna.png", "mimeType": "image/png", "buffer": png()}
    )
    page.locator("#reply-form .image-upload-status", has_text="Immagine aggiunta").wait_for()
    assert "![lavagna](/attachments/" in textarea.input_value()

    # --- Send: the reply shows our image and links the mention. ---
    textarea.press("End")
    textarea.type(f"\nCome dice @{owner.profile.handle}.")
    page.locator("#reply-form button[type=submit]").click()
    reply = page.locator("#replies article").last
    reply.locator("img[src^='/attachments/']").wait_for()
    assert reply.locator("a.mention").inner_text() == f"@{owner.profile.handle}"
    assert reply.locator("blockquote").count() == 1
    loaded = reply.locator("img").evaluate("img => img.complete && img.naturalWidth")
    assert loaded == 40
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "replied")
    # Known and harmless: after the HTMX reply htmx's settle step (attributesToSettle
    # includes "style") trips style-src twice; the CSP blocks it and nothing changes.
    errors = [e for e in page.js_errors if not e.startswith("Applying inline style")]
    assert errors == []
