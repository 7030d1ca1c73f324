"""The mentoring journey of issue 6, in the Italian UI: a newcomer asks for mentoring,
sees three proposed mentors with their reasons, asks one; the mentor accepts; they set a
goal and move its progress without a reload; they exchange a message through the
mentorship page's "Write to" link.
Screenshots go to test-artifacts/test_newcomer_finds_a_mentor_and_sets_a_goal/."""

from koinon.mentoring.models import Goal, Mentorship
from koinon.mentoring.tests.factories import make_offer
from tests.browser.test_discussions_journey import logged_in_page


def test_newcomer_finds_a_mentor_and_sets_a_goal(
    browser,
    live_server,
    community,
    member,
    mentor,
    moderator,
    owner,
    network,
    shot,
    assert_accessible,
):
    make_offer(mentor, {"SQL": 5, "Scrum": 3}, languages=["it", "en"], capacity=2)
    make_offer(moderator, {"SQL": 3}, languages=["it"])
    make_offer(owner, {"Scrum": 4}, languages=["en"], topics="Agile teams")

    # --- The newcomer asks for mentoring and sees three mentors, with the reasons. ---
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto("/mentoring/requests/new/")
    assert mia.locator("h1").inner_text() == "Chiedi un mentore"
    assert_accessible(mia)
    form = mia.locator("main form")
    form.get_by_label("I tuoi obiettivi").fill("Imparare a interrogare i dati del progetto")
    form.get_by_label("Competenze che ti servono di più").fill("SQL")
    form.get_by_label("Altre competenze utili").fill("Scrum")
    form.get_by_label("Lingue").fill("it")
    form.get_by_label("Fuso orario").fill("Europe/Rome")
    shot(mia, "request-form")
    form.get_by_role("button", name="Trova mentori").click()
    mia.wait_for_url("**/mentoring/requests/*/")
    proposals = mia.locator(".mentor-match")
    assert proposals.count() == 3
    first = proposals.nth(0)
    assert first.locator("h3").inner_text() == "Martina"
    reasons = first.locator(".match-reasons li").all_inner_texts()
    assert reasons[0] == "Conosce SQL al livello 5, una delle tue priorità (+50)"
    assert "Parlate entrambi: Italiano (+10)" in reasons
    for i in range(3):
        assert proposals.nth(i).locator(".match-reasons li").count() >= 3
    assert_accessible(mia)
    shot(mia, "proposed-mentors")

    # --- She asks Martina. ---
    first.get_by_role("button", name="Chiedi a Martina di farti da mentore").click()
    mia.wait_for_url("**/mentorships/*/")
    assert "Richiesto" in mia.locator(".mentorship-status").inner_text()
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentor, mentorship.mentee) == (mentor, member)

    # --- The mentor accepts. ---
    martina = logged_in_page(browser, live_server, mentor, network)
    martina.goto("/mentoring/")
    martina.get_by_role("link", name="Segui Mia").click()
    martina.get_by_role("button", name="Accetta").click()
    martina.wait_for_url(f"**/mentorships/{mentorship.pk}/")
    assert "Accettato" in martina.locator(".mentorship-status").inner_text()
    shot(martina, "accepted")

    # --- They exchange a message. ---
    mia.reload()
    mia.get_by_role("link", name="Scrivi a Martina").click()
    mia.wait_for_url("**/messages/new/**")
    mia.get_by_label("Messaggio").fill("Grazie! Quando ci sentiamo?")
    mia.get_by_role("button", name="Invia").click()
    mia.wait_for_url("**/messages/*/")
    conversation_url = mia.url
    martina.goto(conversation_url)
    assert "Grazie! Quando ci sentiamo?" in martina.locator("#messages").inner_text()
    martina.get_by_label("Messaggio").fill("Martedì alle 18?")
    martina.get_by_role("button", name="Invia").click()
    martina.locator("#messages", has_text="Martedì alle 18?").wait_for()
    mia.goto(conversation_url)
    assert "Martedì alle 18?" in mia.locator("#messages").inner_text()
    shot(mia, "messages")

    # --- Together they set a goal; its progress moves without a reload. ---
    mia.goto(f"/mentorships/{mentorship.pk}/")
    mia.get_by_label("Obiettivo").fill("Scrivere la prima query con join")
    mia.get_by_role("button", name="Aggiungi l'obiettivo").click()
    mia.wait_for_url(f"**/mentorships/{mentorship.pk}/")
    goal = Goal.objects.get()
    row = mia.locator(f"#goal-{goal.pk}")
    row.get_by_label("Avanzamento (%)").fill("30")
    url_before = mia.url
    row.get_by_role("button", name="Salva l'avanzamento").click()
    mia.locator(f"#goal-{goal.pk} progress[value='30']").wait_for()
    assert mia.url == url_before
    goal.refresh_from_db()
    assert goal.progress == 30
    assert_accessible(mia)
    shot(mia, "goal-progress")

    # --- On a phone, the proposals still fit. ---
    mia.set_viewport_size({"width": 320, "height": 700})
    mia.goto(f"/mentoring/requests/{mentorship.request_id}/")
    width = mia.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways on a phone ({width}px)"
    shot(mia, "phone")

    assert mia.js_errors == [] and martina.js_errors == []
    network.assert_only_our_host()
