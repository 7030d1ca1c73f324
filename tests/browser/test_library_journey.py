"""The library journey, in the Italian UI: write a practice, revise it, compare the
versions, log a failed experiment that proposes a change, accept it, adopt the revised
practice without a reload; the blameless errors view names nobody; a phone shows it all.
Screenshots go to test-artifacts/test_practice_lesson_adoption/."""

from koinon.library.models import ChangeProposal, Lesson, Practice
from tests.browser.helpers import logged_in_page

TOO_WIDE = """[...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > 321)
    .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_practice_lesson_adoption(
    browser, live_server, community, member, mentor, network, shot, assert_accessible
):
    # --- A member writes a practice. ---
    author = logged_in_page(browser, live_server, member, network)
    author.goto("/c/pm/practices/new/")
    assert author.locator("h1").count() == 1
    assert_accessible(author)
    form = author.locator("main form")
    form.locator("[name=title]").fill("Riunione quotidiana")
    form.locator("[name=summary]").fill("Quindici minuti, in piedi, ogni mattina.")
    form.locator("[name=body]").fill("1. Che cosa ho fatto\n2. Che cosa farò")
    form.locator("[name=tags]").fill("agile, riunioni")
    form.get_by_role("button", name="Pubblica la pratica").click()
    author.wait_for_url("**/c/pm/practices/riunione-quotidiana/")
    assert "Bozza" in author.locator("main").inner_text()
    assert_accessible(author)
    shot(author, "practice")

    # --- Another member revises it; the history compares the versions. ---
    reviser = logged_in_page(browser, live_server, mentor, network)
    reviser.goto("/c/pm/practices/riunione-quotidiana/edit/")
    assert_accessible(reviser)
    reviser.locator("[name=body]").fill(
        "1. Che cosa ho fatto\n2. Che cosa farò\n3. Che cosa mi blocca"
    )
    reviser.locator("[name=note]").fill("aggiunti gli ostacoli")
    reviser.get_by_role("button", name="Salva una nuova versione").click()
    reviser.wait_for_url("**/c/pm/practices/riunione-quotidiana/")
    assert Practice.objects.get().version == 2
    reviser.get_by_role("link", name="Cronologia e confronto").click()
    reviser.get_by_role("button", name="Confronta").click()
    added = reviser.locator(".diff ins")
    added.first.wait_for()
    assert "Che cosa mi blocca" in added.first.inner_text()
    assert_accessible(reviser)
    shot(reviser, "diff")

    # --- The reviser logs a failed experiment that proposes a change. ---
    reviser.goto("/c/pm/lessons/new/?practice=riunione-quotidiana")
    assert_accessible(reviser)
    lesson_form = reviser.locator("main form")
    lesson_form.locator("[name=title]").fill("Riunione in chat asincrona")
    lesson_form.locator("[name=context]").fill("Squadra su tre fusi orari.")
    lesson_form.locator("[name=tried]").fill("Aggiornamenti scritti in chat.")
    lesson_form.locator("[name=outcome][value=failed]").check()
    lesson_form.locator("[name=learned]").fill("Nessuno leggeva gli aggiornamenti degli altri.")
    lesson_form.locator("[name=proposal]").fill("Aggiungere un riassunto scritto settimanale.")
    shot(reviser, "lesson-form")
    lesson_form.get_by_role("button", name="Pubblica la lezione").click()
    reviser.wait_for_url("**/c/pm/lessons/*/")
    lesson = Lesson.objects.get()
    assert lesson.outcome == "failed" and ChangeProposal.objects.get().status == "open"

    # --- The maintainer sees the proposal on the practice page and accepts it. ---
    author.goto("/c/pm/practices/riunione-quotidiana/")
    proposals = author.locator("#proposals")
    assert "Aggiungere un riassunto scritto settimanale." in proposals.inner_text()
    proposals.get_by_role("button", name="Accetta").click()
    author.wait_for_url("**/c/pm/practices/riunione-quotidiana/#proposals")
    assert ChangeProposal.objects.get().status == "accepted"
    assert "Riunione in chat asincrona" in author.locator(".timeline").inner_text()

    # --- The reviser adopts the revised practice, without a reload. ---
    reviser.goto("/c/pm/practices/riunione-quotidiana/")
    reviser.locator("#adoption [name=note]").fill("ogni lunedì")
    reviser.get_by_role("button", name="La uso").click()
    reviser.get_by_role("button", name="Non la uso più").wait_for()
    assert "1 persona la usa" in reviser.locator("#adoption").inner_text()
    assert Practice.objects.get().adoption_count == 1
    assert_accessible(reviser)
    shot(reviser, "adopted")

    # --- The reviser opens a discussion about the practice; it is linked both ways. ---
    reviser.get_by_role("button", name="Discuti questa pratica").click()
    reviser.wait_for_url("**/c/pm/practices/riunione-quotidiana/discuss/")
    assert_accessible(reviser)
    reviser.locator("[name=title]").fill("Riunioni su più fusi orari")
    reviser.locator("[name=body]").press("End")
    reviser.locator("[name=body]").type("Come le organizzate?")
    reviser.get_by_role("button", name="Avvia la discussione").click()
    reviser.wait_for_url("**/c/pm/t/*/")
    assert "Questa discussione riguarda la pratica" in reviser.locator("main").inner_text()
    reviser.get_by_role("link", name="Riunione quotidiana").first.click()
    reviser.wait_for_url("**/c/pm/practices/riunione-quotidiana/")
    assert "Riunioni su più fusi orari" in reviser.locator("#discussions").inner_text()
    # ... and can propose the practice as a standard (the draft starts from its text).
    reviser.get_by_role("button", name="Proponi questa pratica come standard").click()
    reviser.wait_for_url("**/c/pm/standards/new/?practice=*")
    assert "Che cosa mi blocca" in reviser.locator("[name=body]").input_value()

    # --- The errors view shows the failure and names nobody. ---
    reviser.goto("/c/pm/lessons/errors/")
    main = reviser.locator("main").inner_text()
    assert "Riunione in chat asincrona" in main and "Martina" not in main
    assert_accessible(reviser)

    # --- On a 320px phone the practice and the errors view fit the screen. ---
    phone = logged_in_page(browser, live_server, member, network, width=320)
    for address in (
        "/c/pm/practices/riunione-quotidiana/",
        "/c/pm/lessons/errors/",
        "/c/pm/practices/",
    ):
        phone.goto(address)
        wide = phone.evaluate(TOO_WIDE)
        shot(phone, "phone")
        assert fits(phone, 320), (address, wide)
    shot(phone, "phone-practice")

    network.assert_only_our_host()
    assert author.js_errors == [] and reviser.js_errors == [] and phone.js_errors == []


def test_resources_upload_review_list_and_cite(
    browser, live_server, community, member, network, shot, assert_accessible, settings, tmp_path
):
    settings.LIBRARY_PROTECTED_ROOT = tmp_path / "protected"
    page = logged_in_page(browser, live_server, member, network)
    page.goto("/c/pm/resources/new/")
    assert_accessible(page)
    form = page.locator("main form")
    form.locator("[name=kind]").select_option("file")
    form.locator("[name=title]").fill("Registro dei rischi")
    form.locator("[name=file]").set_input_files(
        {"name": "rischi.html", "mimeType": "text/html", "buffer": b"<html><script>x</script>"}
    )
    form.get_by_role("button", name="Salva").click()
    error = page.locator("#id_file_error")
    error.wait_for()
    assert "markup" in error.inner_text()
    shot(page, "refused-upload")
    form = page.locator("main form")
    form.locator("[name=file]").set_input_files(
        {"name": "rischi.csv", "mimeType": "text/csv", "buffer": b"rischio,responsabile\n"}
    )
    form.locator("[name=doi]").fill("10.1000/rischi")
    form.get_by_role("button", name="Salva").click()
    page.wait_for_url("**/c/pm/resources/*/")
    assert "rischi.csv" in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="rischi.csv").click()
    assert download.value.suggested_filename == "rischi.csv"
    page.locator("[name=useful_for]").fill("Avvio di progetto")
    page.get_by_role("button", name="Di' a che cosa è utile").click()
    page.wait_for_url("**#reviews")
    assert "Avvio di progetto" in page.locator("#reviews").inner_text()
    shot(page, "resource")

    page.goto("/c/pm/reading-lists/new/")
    assert_accessible(page)
    page.locator("[name=title]").fill("Per cominciare")
    page.get_by_role("button", name="Crea la lista").click()
    page.wait_for_url("**/c/pm/reading-lists/*/")
    page.goto("/c/pm/resources/")
    page.get_by_role("link", name="Registro dei rischi").click()
    page.get_by_role("button", name="Aggiungi alla lista di lettura").click()
    page.wait_for_url("**/c/pm/reading-lists/*/")
    assert "Registro dei rischi" in page.locator("main").inner_text()
    assert_accessible(page)
    shot(page, "reading-list")
    for address in ("/c/pm/resources/", "/c/pm/lessons/", "/c/pm/practices/"):
        page.goto(address)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    network.assert_only_our_host()
    # The refused upload answered 400 on purpose; nothing else may fail.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
