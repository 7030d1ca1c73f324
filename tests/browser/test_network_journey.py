"""People and messages in the Italian UI: find someone in the directory, ask to
connect, get accepted, exchange messages without a reload (with the unread badge),
and the conversation stays invisible to a moderator. Also on a 320px-wide phone.
Screenshots go to test-artifacts/test_connect_and_message/."""

from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory
from koinon.messaging.models import Message
from koinon.network.models import Connection
from tests.browser.helpers import logged_in_page


def test_connect_and_message(
    browser, live_server, community, member, mentor, moderator, network, shot, assert_accessible
):
    python = SkillFactory(name="Python")
    ProfileSkillFactory(user=member, skill=python, level=2)
    ProfileSkillFactory(user=mentor, skill=python, level=5)
    mentor.profile.open_to_mentoring = True
    mentor.profile.city = "Torino"
    mentor.profile.save()

    # --- Mia finds Martina in the directory and asks to connect. ---
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto("/people/?skill=Python&min_level=4")
    assert mia.locator("h1").count() == 1
    assert "Martina" in mia.locator("#people-results").inner_text()
    assert "Marco" not in mia.locator("#people-results").inner_text()
    assert_accessible(mia)
    shot(mia, "directory")
    mia.goto("/network/")
    assert "Disponibile come mentore per Python" in mia.locator("main").inner_text()
    assert_accessible(mia)
    shot(mia, "suggestions")
    mia.goto(f"/people/{mentor.pk}/network/")
    assert_accessible(mia)
    mia.get_by_role("button", name="Collegati").click()
    mia.get_by_text("Richiesta inviata", exact=True).wait_for()
    shot(mia, "person-network")
    assert Connection.objects.get().status == "pending"

    # --- Martina accepts. ---
    martina = logged_in_page(browser, live_server, mentor, network)
    martina.goto("/network/")
    martina.get_by_role("button", name="Accetta Mia").click()
    martina.wait_for_url("**/network/")
    assert Connection.objects.get().status == "accepted"

    # --- Mia writes; Martina sees the unread badge, answers without a reload. ---
    mia.goto(f"/messages/new/?to={mentor.pk}")
    assert_accessible(mia)
    mia.locator("[name=subject]").fill("Python")
    mia.locator("[name=body]").fill("Mi aiuteresti con **Django**?")
    mia.get_by_role("button", name="Invia").click()
    mia.wait_for_url("**/messages/*/")
    shot(mia, "conversation-sent")
    assert "1 non letto" in martina.request.get("/messages/unread/").text()
    martina.goto("/messages/")
    assert "1 nuovo" in martina.locator("main").inner_text()
    assert_accessible(martina)
    shot(martina, "inbox")
    martina.get_by_role("link", name="Python").click()
    martina.locator("#messages strong", has_text="Django").wait_for()
    martina.locator("[name=body]").fill("Certo, *volentieri*!")
    martina.get_by_role("button", name="Invia").click()
    martina.locator("#messages em", has_text="volentieri").wait_for()
    assert martina.locator("[name=body]").input_value() == ""
    assert Message.objects.count() == 2
    assert_accessible(martina)
    shot(martina, "conversation-answered")
    # Mia's open page picks the answer up by itself (it polls every 20 s).
    mia.locator("#messages em", has_text="volentieri").wait_for(timeout=30_000)

    # --- A moderator of the community gets nothing. ---
    marco = logged_in_page(browser, live_server, moderator, network)
    response = marco.goto(f"/messages/{Message.objects.first().conversation_id}/")
    assert response.status == 404

    # --- The conversation on a phone. ---
    phone = logged_in_page(browser, live_server, member, network, width=320)
    phone.goto(f"/messages/{Message.objects.first().conversation_id}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    shot(phone, "phone-conversation")
    phone.goto("/people/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    shot(phone, "phone-directory")

    for p in (mia, martina, phone):
        assert p.js_errors == []
    network.assert_only_our_host()
