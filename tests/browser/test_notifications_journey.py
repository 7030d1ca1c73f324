"""The notifications journey, in the Italian UI: a member @mentions another in a reply;
the mention shows in the other's bell without a reload (the bell polls); they switch
mentions to the daily digest; the digest e-mail arrives once, in Italian, and its
one-click unsubscribe (RFC 8058: a POST to the List-Unsubscribe address, no login) works.
Screenshots go to test-artifacts/test_mention_bell_digest_unsubscribe/."""

import re
from datetime import timedelta

from django.utils import timezone

from koinon.discussions.tests.factories import make_topic
from koinon.notifications.digests import send_digests
from koinon.notifications.models import DigestDelivery, Notification, Preference
from tests.browser.helpers import logged_in_page


def test_mention_bell_digest_unsubscribe(
    browser, live_server, community, owner, member, mailbox, shot
):
    # Long-standing members, so no new-member limit gets in the way.
    for person in (owner, member):
        person.date_joined -= timedelta(days=30)
        person.save(update_fields=["date_joined"])
    topic = make_topic(owner, community, title="Come stimate i progetti piccoli?")

    # --- Mia waits on her notifications page; the bell shows nothing unread. ---
    mia = logged_in_page(browser, live_server, member, timeout=60_000)
    mia.goto("/notifications/")
    bell = mia.locator("#notification-bell")
    assert bell.locator("[data-unread]").count() == 0
    mia.evaluate("window.__notReloaded = true")

    # --- Olivia mentions her in a reply. ---
    olivia = logged_in_page(browser, live_server, owner, timeout=60_000)
    olivia.goto(topic.get_absolute_url())
    handle = member.profile.handle
    olivia.locator("#reply-form textarea").fill(f"Secondo me @{handle} sa rispondere.")
    olivia.locator("#reply-form button[type=submit]").click()
    olivia.locator("#replies .post-body a.mention").wait_for()
    assert olivia.locator("#replies .post-body a.mention").inner_text() == f"@{handle}"
    shot(olivia, "mention-written")

    # --- The bell shows it without a reload (it polls every 30 seconds). ---
    mia.locator("#notification-bell [data-unread='1']").wait_for(timeout=90_000)
    assert mia.evaluate("window.__notReloaded") is True
    assert Notification.objects.filter(recipient=member, kind="mention").count() == 1
    shot(mia, "bell-lit")
    mia.goto("/notifications/")
    assert "ti ha menzionato" in mia.locator("main").inner_text()

    # --- She sends mentions to the daily digest instead. ---
    mia.goto("/settings/notifications/")
    mia.locator("select[name=kind_mention]").select_option("daily")
    mia.locator("main form button[type=submit]").first.click()
    mia.wait_for_url("**/settings/notifications/")
    assert Preference.objects.get(user=member, kind="mention").channel == "daily"
    shot(mia, "settings-daily")

    # --- The day's digest goes out (the scheduled command, run twice): one e-mail. ---
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert send_digests("daily", today=tomorrow) == 1
    assert send_digests("daily", today=tomorrow) == 0
    mine = [m for m in mailbox.messages() if member.email in str(m["To"])]
    assert len(mine) == 1
    message = mine[0]
    assert message["Subject"] == "[Koinon] Il tuo riepilogo giornaliero"
    text = mailbox.text(message)
    assert "ti ha menzionato" in text and topic.title in text
    assert DigestDelivery.objects.filter(user=member, period="daily").count() == 1

    # --- One click in the mail client: a POST to List-Unsubscribe, without a session. ---
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = "".join(str(message["List-Unsubscribe"]).split())  # unfolded
    link = re.search(r"<(https?://[^>]+)>", header).group(1)
    assert link.startswith(live_server.url)
    visitor = browser.new_context(base_url=live_server.url, locale="it-IT")  # no session
    response = visitor.request.post(
        link, form={"List-Unsubscribe": "One-Click"}, headers={"Accept-Language": "it"}
    )
    assert response.status == 200
    assert Preference.objects.get(user=member, kind="mention").channel == "in_app"
    # The link itself, opened in a browser without logging in, asks before acting.
    page = visitor.new_page()
    page.goto(link)
    assert page.locator("main form button").count() == 1
    shot(page, "unsubscribe-page")
    visitor.close()
    assert mia.js_errors == [] and olivia.js_errors == []
