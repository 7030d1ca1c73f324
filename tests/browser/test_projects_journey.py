"""The projects journey, in the Italian UI: a member proposes an idea, two others support
it (with HTMX), a moderator plans it, an experiment runs from it and fails (closing it
without an outcome is refused first), its lesson appears in the library's "learning from
errors" view, and a project starts from the idea with two tasks moved across the board
with HTMX. A phone shows the board. Screenshots go to test-artifacts/test_idea_to_project/."""

from koinon.library.models import Lesson
from koinon.projects.models import Experiment, Idea, Project, Support, Task
from tests.browser.helpers import logged_in_page

TOO_WIDE = """[...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > 321)
    .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def test_idea_to_project(
    browser,
    live_server,
    community,
    member,
    mentor,
    owner,
    moderator,
    network,
    shot,
    assert_accessible,
):
    # --- A member proposes an idea. ---
    author = logged_in_page(browser, live_server, member, network)
    author.goto("/c/pm/ideas/")
    assert author.locator("h1").count() == 1
    author.locator("main a", has_text="Proponi un'idea").click()
    author.wait_for_url("**/c/pm/ideas/new/")
    assert_accessible(author)
    form = author.locator("main form")
    form.locator("[name=title]").fill("Riunioni di quindici minuti")
    form.locator("[name=problem]").fill("Le riunioni quotidiane durano un'ora.")
    form.locator("[name=proposal]").fill("Un timer visibile a tutti.")
    form.locator("[name=benefit]").fill("Tre quarti d'ora al giorno per lavorare.")
    form.get_by_role("button", name="Proponi").click()
    author.wait_for_url("**/c/pm/ideas/*/")
    idea = Idea.objects.get()
    main = author.locator("main").inner_text()
    assert "Non puoi sostenere la tua stessa idea" in main
    assert author.get_by_role("button", name="Sostieni questa idea").count() == 0
    assert_accessible(author)
    shot(author, "idea")

    # --- Two others support it, without a reload. ---
    supporters = []
    for person in (mentor, owner):
        page = logged_in_page(browser, live_server, person, network)
        page.goto("/c/pm/ideas/")
        page.get_by_role("button", name="Sostieni questa idea").click()
        page.get_by_role("button", name="Ritira il mio sostegno").wait_for()
        supporters.append(page)
    assert "2 sostenitori" in supporters[1].locator(f"#support-{idea.pk}").inner_text()
    assert Support.objects.filter(idea=idea).count() == 2
    assert_accessible(supporters[1])
    shot(supporters[1], "supported")

    # --- A moderator plans it; the history shows the change. ---
    mod = logged_in_page(browser, live_server, moderator, network)
    mod.goto(f"/c/pm/ideas/{idea.pk}/")
    mod.locator("main form [name=status]").select_option("planned")
    mod.get_by_role("button", name="Cambia lo stato").click()
    mod.wait_for_url(f"**/c/pm/ideas/{idea.pk}/")
    idea.refresh_from_db()
    assert idea.status == "planned"
    assert "Nuova → Pianificata" in mod.locator("main").inner_text()
    assert_accessible(mod)

    # --- An experiment runs from the idea... ---
    author.goto(f"/c/pm/ideas/{idea.pk}/")
    author.get_by_role("link", name="Avvia un esperimento da questa idea").click()
    author.wait_for_url("**/c/pm/experiments/new/?idea=*")
    assert_accessible(author)
    form = author.locator("main form")
    form.locator("[name=hypothesis]").fill("Con un timer le riunioni restano brevi.")
    form.locator("[name=measure]").fill("Minuti per riunione, per due settimane.")
    form.locator("[name=starts_on]").fill("2027-01-11")
    form.locator("[name=ends_on]").fill("2027-01-22")
    form.get_by_label("Martina").check()
    form.get_by_role("button", name="Avvia l'esperimento").click()
    author.wait_for_url("**/c/pm/experiments/*/")
    experiment = Experiment.objects.get()
    assert experiment.idea == idea

    # --- ...and fails. Closing without an outcome is refused first. ---
    author.locator("main a", has_text="Chiudi l'esperimento e registra l'esito").click()
    author.wait_for_url("**/close/")
    author.locator("[name=learned]").fill("Il timer metteva fretta, non concentrazione.")
    author.get_by_role("button", name="Chiudi e pubblica la lezione").click()
    refused = author.locator("#id_outcome_error")
    refused.wait_for()
    assert "indica com'è andato" in refused.inner_text()
    assert_accessible(author)
    shot(author, "outcome-required")
    author.locator("[name=outcome][value=failed]").check()
    author.get_by_role("button", name="Chiudi e pubblica la lezione").click()
    author.wait_for_url(f"**/c/pm/experiments/{experiment.pk}/")
    lesson = Lesson.objects.get()
    assert lesson.outcome == "failed" and lesson.experiment == experiment
    author.get_by_role("link", name="Leggi la lezione appresa nella biblioteca").click()
    author.wait_for_url(f"**/c/pm/lessons/{lesson.pk}/")

    # --- Its lesson appears in the library's "learning from errors" view. ---
    author.goto("/c/pm/lessons/errors/")
    assert "Riunioni di quindici minuti" in author.locator("main").inner_text()
    shot(author, "learning-from-errors")

    # --- A project starts from the idea, with two tasks. ---
    author.goto(f"/c/pm/ideas/{idea.pk}/")
    author.get_by_role("link", name="Avvia un progetto da questa idea").click()
    author.wait_for_url("**/c/pm/projects/new/?idea=*")
    assert_accessible(author)
    form = author.locator("main form")
    form.locator("[name=purpose]").fill("Riunioni brevi in tutti i gruppi.")
    form.locator("[name=ends_on]").fill("2027-12-31")
    form.get_by_role("button", name="Avvia il progetto").click()
    author.wait_for_url("**/c/pm/projects/*/")
    project = Project.objects.get()
    assert project.idea == idea
    for title in ("Comprare i timer", "Scrivere la guida"):
        author.locator("summary", has_text="Aggiungi un'attività").click()
        author.locator("#board-heading ~ details [name=title]").fill(title)
        author.get_by_role("button", name="Aggiungi l'attività").click()
        author.wait_for_url(f"**/c/pm/projects/{project.pk}/")
    assert Task.objects.filter(project=project).count() == 2
    assert_accessible(author)

    # --- Both tasks move across the board with HTMX. ---
    board = author.locator("#board")
    for title in ("Comprare i timer", "Scrivere la guida"):
        board.locator("li.task", has_text=title).get_by_role(
            "button", name="Sposta in «In corso»"
        ).click()
        author.locator("#column-doing ~ ul li.task", has_text=title).wait_for()
    board.locator("li.task", has_text="Comprare i timer").get_by_role(
        "button", name="Sposta in «Fatto»"
    ).click()
    author.locator("#column-done ~ ul li.task", has_text="Comprare i timer").wait_for()
    assert dict(Task.objects.values_list("title", "status")) == {
        "Comprare i timer": "done",
        "Scrivere la guida": "doing",
    }
    assert "spostata in «Fatto»" in board.inner_text()
    assert_accessible(author)
    shot(author, "board")

    # --- Every list and detail page: one heading, no serious accessibility problem. ---
    for address in (
        "/c/pm/ideas/?sort=status",
        "/c/pm/experiments/",
        f"/c/pm/experiments/{experiment.pk}/",
        "/c/pm/projects/",
    ):
        author.goto(address)
        assert author.locator("h1").count() == 1
        assert_accessible(author)

    # --- A phone shows the board without sideways scrolling. ---
    phone = logged_in_page(browser, live_server, member, network, width=320)
    for address in (f"/c/pm/projects/{project.pk}/", f"/c/pm/ideas/{idea.pk}/", "/c/pm/ideas/"):
        phone.goto(address)
        wide = phone.evaluate(TOO_WIDE)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 320, (address, wide)
    shot(phone, "phone-board")

    network.assert_only_our_host()
    # Closing without an outcome answered 400 on purpose; nothing else may fail.
    assert [e for e in author.js_errors if "status of 400" not in e] == []
    for page in (mod, phone, *supporters):
        assert page.js_errors == []
