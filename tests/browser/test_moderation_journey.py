"""The moderation journey, in the Italian UI: a member flags a reply from the topic page
(HTMX, no reload), a moderator finds it in the queue (linked from the community page),
agrees and hides it, and the member then sees it hidden pending review; the action is in
the audit log. Screenshots go to test-artifacts/test_flag_review_hide/."""

from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.moderation.models import Flag
from tests.browser.helpers import logged_in_page


def test_flag_review_hide(
    browser, live_server, community, member, mentor, moderator, network, shot, assert_accessible
):
    topic = make_topic(member, community, title="Come stimate i progetti piccoli?")
    reply = make_reply(mentor, topic, body="Comprate pillole miracolose su spam.example")

    # --- A member flags the reply from the topic page, without a reload. ---
    reader = logged_in_page(browser, live_server, member, network)
    reader.goto(topic.get_absolute_url())
    post = reader.locator(f"#post-{reply.pk}")
    post.locator("summary", has_text="Segnala").click()
    post.get_by_label("Spam").check()
    post.get_by_role("button", name="Invia ai moderatori").click()
    post.get_by_text("i moderatori esamineranno questo messaggio").wait_for()
    assert Flag.objects.filter(post=reply, user=member).exists()
    assert_accessible(reader)
    shot(reader, "flagged")

    # --- A moderator finds it in the queue, linked from the community page. ---
    mod = logged_in_page(browser, live_server, moderator, network)
    mod.goto(community.get_absolute_url())
    mod.locator("main a", has_text="Moderazione").click()
    mod.wait_for_url("**/c/pm/moderation/")
    item = mod.locator(f"#queue-{reply.pk}")
    assert "Spam ×1" in item.inner_text()
    assert_accessible(mod)
    shot(mod, "queue")
    item.get_by_label("Motivo (conservato nel registro di moderazione)").fill("Pubblicità")
    item.get_by_role("button", name="Accogli: nascondi").click()
    mod.get_by_text("Messaggio nascosto").wait_for()
    reply.refresh_from_db()
    assert reply.is_hidden

    # --- The member now sees it hidden; the audit log has the action and its reason. ---
    reader.goto(topic.get_absolute_url())
    text = reader.locator(f"#post-{reply.pk}").inner_text()
    assert "nascosto in attesa della revisione" in text and "pillole" not in text
    mod.goto("/c/pm/moderation/audit/")
    audit = mod.locator("main").inner_text()
    assert "Ha nascosto un messaggio" in audit and "Pubblicità" in audit
    assert_accessible(mod)
    shot(mod, "audit")
    assert reader.js_errors == [] and mod.js_errors == []
    network.assert_only_our_host()
