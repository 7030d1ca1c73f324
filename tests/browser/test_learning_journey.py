"""The learning journey of issue 7, in the Italian UI: a facilitator creates a programme
with two modules and a cohort; two people enrol; one writes a reflection (the draft is
saved as she types and survives a reload) and hands it in; the other reviews it with
the rubric; the facilitator marks her completion on the progress grid; the
certificate's verification address confirms it to anyone.
Screenshots go to test-artifacts/test_programme_cohort_reflection_review_certificate/."""

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory
from koinon.learning.models import Cohort, Enrolment, HandIn, PeerReview
from tests.browser.test_discussions_journey import logged_in_page


def test_programme_cohort_reflection_review_certificate(
    browser, live_server, community, mentor, member, network, shot, assert_accessible
):
    luca = UserFactory(email="luca@example.org", display_name="Luca")
    MembershipFactory(community=community, user=luca)

    # --- Martina, a mentor, creates the programme, two modules and a cohort. ---
    martina = logged_in_page(browser, live_server, mentor, network)
    martina.goto("/c/pm/programmes/new/")
    assert martina.locator("h1").inner_text() == "Nuovo percorso"
    assert_accessible(martina)
    form = martina.locator("main form")
    form.get_by_label("Titolo", exact=True).fill("Facilitare le riunioni")
    form.get_by_label("Descrizione", exact=True).fill("Come condurre riunioni *utili*.")
    form.get_by_label("Risultati di apprendimento", exact=True).fill("Condurre un check-in")
    form.get_by_label("Competenze che sviluppa", exact=True).fill("Facilitazione")
    form.get_by_label("Griglia di revisione tra pari", exact=True).fill("Chiarezza\nProfondità")
    form.get_by_role("button", name="Crea il percorso").click()
    martina.wait_for_url("**/c/pm/programmes/facilitare-le-riunioni/")

    martina.get_by_role("link", name="Aggiungi un modulo").click()
    form = martina.locator("main form")
    form.get_by_label("Titolo", exact=True).fill("Perché facilitare")
    form.get_by_label("Contenuto", exact=True).fill("Leggi e rifletti.")
    form.get_by_role("button", name="Aggiungi il modulo").click()
    martina.get_by_role("link", name="Aggiungi un modulo").click()
    form = martina.locator("main form")
    form.get_by_label("Titolo", exact=True).fill("La tua ultima riunione")
    form.get_by_label("Attività", exact=True).select_option("reflection")
    form.get_by_label("Cosa fare", exact=True).fill("Che cosa è andato bene?")
    assert_accessible(martina)
    form.get_by_role("button", name="Aggiungi il modulo").click()
    assert martina.locator("main ol li").count() == 2

    martina.get_by_role("link", name="Nuova classe").click()
    form = martina.locator("main form")
    form.get_by_label("Nome", exact=True).fill("Primavera")
    form.get_by_label("Inizia il", exact=True).fill("2026-01-10")
    form.get_by_label("Finisce il", exact=True).fill("2030-06-30")
    form.get_by_label("Aperta: i membri si iscrivono da soli").check()
    form.get_by_label("Posti", exact=True).fill("10")
    form.get_by_label("Accetta le consegne in ritardo e segnale come tali").check()
    form.get_by_label("Revisori tra pari per consegna", exact=True).fill("1")
    shot(martina, "new-cohort")
    form.get_by_role("button", name="Crea la classe").click()
    martina.wait_for_url("**/cohorts/*/")
    cohort = Cohort.objects.get()
    assert cohort.group.kind == "cohort"

    # --- Mia and Luca enrol. ---
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto(f"/cohorts/{cohort.pk}/")
    assert_accessible(mia)
    mia.get_by_role("button", name="Iscriviti").click()
    mia.get_by_text("Sei iscritto. Benvenuto!").wait_for()
    luca_page = logged_in_page(browser, live_server, luca, network)
    luca_page.goto(f"/cohorts/{cohort.pk}/")
    luca_page.get_by_role("button", name="Iscriviti").click()
    luca_page.get_by_text("Sei iscritto. Benvenuto!").wait_for()
    assert Enrolment.objects.filter(cohort=cohort, status="active").count() == 2

    # --- The cohort's own discussion space: Mia asks, Luca answers; nobody else reads it. ---
    mia.get_by_role("link", name="Le discussioni della classe").click()
    talk = mia.locator("main form")
    talk.get_by_label("Titolo").fill("Chi prende appunti?")
    talk.get_by_label("Messaggio").fill("Facciamo a turno ogni settimana?")
    talk.get_by_role("button", name="Comincia la conversazione").click()
    mia.locator("h1", has_text="Chi prende appunti?").wait_for()
    assert_accessible(mia)
    luca_page.goto(mia.url)
    luca_page.locator("main form").get_by_label("La tua risposta").fill("Sì, comincio io.")
    luca_page.get_by_role("button", name="Invia la risposta").click()
    luca_page.locator("main article", has_text="Sì, comincio io.").wait_for()
    shot(luca_page, "cohort-discussion")
    mia.goto(f"/cohorts/{cohort.pk}/")

    # --- Mia writes a reflection: the draft is saved as she types and survives a reload. ---
    mia.get_by_role("link", name="La tua ultima riunione").click()
    answer = mia.get_by_label("La tua risposta")
    answer.fill("Il check-in ha dato voce a tutti.")
    mia.locator("#draft-status", has_text="Bozza salvata").wait_for()
    assert HandIn.objects.get().text == "Il check-in ha dato voce a tutti."
    mia.reload()
    assert mia.get_by_label("La tua risposta").input_value() == "Il check-in ha dato voce a tutti."
    assert_accessible(mia)
    shot(mia, "draft-after-reload")
    mia.get_by_role("button", name="Consegna", exact=True).click()
    mia.get_by_text("Consegnato.", exact=True).wait_for()
    assert HandIn.objects.get().submitted_at is not None

    # --- Martina assigns the peer reviews; Luca reviews with the rubric. ---
    martina.goto(f"/cohorts/{cohort.pk}/modules/{HandIn.objects.get().module_id}/")
    martina.get_by_role("button", name="Assegna le revisioni tra pari").click()
    assert PeerReview.objects.get().reviewer == luca
    luca_page.goto(f"/cohorts/{cohort.pk}/")
    luca_page.get_by_role("link", name="Una consegna per «La tua ultima riunione»").click()
    form = luca_page.locator("main form")
    form.locator("fieldset", has_text="Chiarezza").get_by_label("4").check()
    form.locator("fieldset", has_text="Profondità").get_by_label("5").check()
    form.get_by_label("Commento").fill("Esempio concreto, chiaro.")
    assert_accessible(luca_page)
    form.get_by_role("button", name="Invia la revisione").click()
    luca_page.get_by_text("Grazie: la tua revisione è stata inviata.").wait_for()
    assert PeerReview.objects.get().submitted_at is not None

    # --- Martina marks Mia's completion on the progress grid (also on a phone). ---
    martina.goto(f"/cohorts/{cohort.pk}/progress/")
    assert_accessible(martina)
    martina.set_viewport_size({"width": 320, "height": 800})
    shot(martina, "progress-grid-phone")
    martina.set_viewport_size({"width": 1280, "height": 900})
    martina.get_by_role("button", name="Segna Mia come completato").click()
    martina.get_by_text("Completamento registrato").wait_for()

    # --- Mia's record gives the verification address; anyone can check it. ---
    mia.goto(f"/cohorts/{cohort.pk}/completion/")
    verify_url = mia.get_by_role("link", name="/certificates/").first.get_attribute("href")
    assert verify_url.startswith(live_server.url + "/certificates/")
    anonymous = browser.new_context(locale="it-IT", extra_http_headers={"Accept-Language": "it"})
    network.watch(anonymous)
    public = anonymous.new_page()
    public.goto(verify_url)
    assert "Questo attestato è valido." in public.locator("main").inner_text()
    assert "Mia" in public.locator("main").inner_text()
    assert "Facilitare le riunioni" in public.locator("main").inner_text()
    assert_accessible(public)
    shot(public, "verified")
    anonymous.close()

    network.assert_only_our_host()
    for page in (martina, mia, luca_page):
        assert page.js_errors == []


def test_skills_chart_goals_and_skills_map_are_accessible(
    browser, live_server, community, member, network, shot, assert_accessible
):
    from datetime import date, timedelta

    from koinon.accounts.models import ProfileSkill, Skill
    from koinon.learning import actions

    skill = Skill.objects.create(name="Facilitazione")
    ProfileSkill.objects.create(user=member, skill=skill, level=3)
    for days, level in ((90, 2), (45, 3)):
        actions.do_assess_skill(
            member, skill=skill, level=level, assessed_on=date.today() - timedelta(days)
        )
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto("/learning/skills/")
    form = mia.locator("main form").first
    form.get_by_label("Competenza").fill("Facilitazione")
    form.get_by_label("4", exact=True).check()
    form.get_by_role("button", name="Salva la valutazione").click()
    mia.get_by_text("Valutazione salvata.").wait_for()
    assert_accessible(mia)
    mia.get_by_role("link", name="Facilitazione").click()
    chart = mia.locator("svg.skill-chart")
    assert chart.get_attribute("role") == "img"
    assert mia.locator("svg.skill-chart circle").count() == 3
    assert mia.locator("main table tbody tr").count() == 3
    assert_accessible(mia)
    mia.set_viewport_size({"width": 320, "height": 800})
    shot(mia, "skill-chart-phone")
    mia.goto("/c/pm/skills/")
    assert "Facilitazione" in mia.locator("main table").inner_text()
    assert_accessible(mia)
    shot(mia, "skills-map-phone")
    network.assert_only_our_host()
    assert mia.js_errors == []
