"""The opportunities half of issue 6's journey, and issue 8's call for partners, in the
Italian UI: a member publishes an opportunity in a public community; another person, who
is not even a member, finds it in the platform-wide list (filtered by kind), says "I'm
interested", and a conversation opens with the author, who reads the message and sees who
is interested; once closed, it leaves the list. A project's lead publishes its call for
partners from the project page, which shows it.
Screenshots go to test-artifacts/test_another_person_answers_an_opportunity/."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from koinon.messaging.models import Conversation, Message
from koinon.opportunities.models import Interest, Opportunity
from koinon.projects.models import ProjectMember, ProjectRole
from koinon.projects.tests.factories import ProjectFactory
from tests.browser.test_discussions_journey import logged_in_page


def _warm_up():
    """The first request of a process imports every app's pages (seconds on a busy
    machine): pay for it here rather than inside the browser's navigation timeout."""
    Client().get("/opportunities/")


def test_another_person_answers_an_opportunity(
    browser, live_server, community, member, outsider, network, shot, assert_accessible
):
    _warm_up()
    expires = timezone.localdate() + timedelta(days=20)

    # --- Mia publishes an opportunity in her community. ---
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto("/c/pm/")
    mia.locator(".community-sections").get_by_role("link", name="Opportunità").click()
    mia.wait_for_url("**/c/pm/opportunities/")
    mia.get_by_role("button", name="Pubblica un'opportunità").click()
    assert mia.locator("h1").inner_text() == "Pubblica un'opportunità"
    assert_accessible(mia)
    form = mia.locator("main form")
    form.get_by_label("Tipo").select_option("collaboration")
    form.get_by_label("Titolo").fill("Cerchiamo chi facilita retrospettive")
    form.get_by_label("Descrizione").fill("Due incontri al mese, **online**.")
    form.get_by_label("Luogo").fill("Bologna")
    form.get_by_label("Si può fare a distanza").check()
    form.get_by_label("Aperta fino al").fill(expires.isoformat())
    shot(mia, "publish-form")
    form.get_by_role("button", name="Pubblica").click()
    mia.wait_for_url("**/c/pm/opportunities/*/")
    opportunity = Opportunity.objects.get()
    assert mia.locator("h1").inner_text() == "Cerchiamo chi facilita retrospettive"
    assert "online" in mia.locator(".markdown strong").inner_text()

    # --- Otto, not a member, finds it across the platform and answers. ---
    otto = logged_in_page(browser, live_server, outsider, network)
    otto.goto("/")
    otto.locator("header").get_by_role("link", name="Opportunità").click()
    otto.wait_for_url("**/opportunities/")
    otto.get_by_label("Tipo").select_option("job")
    otto.get_by_role("button", name="Filtra").click()
    assert "Nessuna opportunità aperta corrisponde." in otto.locator("main").inner_text()
    otto.get_by_label("Tipo").select_option("collaboration")
    otto.get_by_role("button", name="Filtra").click()
    results = otto.locator("article.opportunity")
    assert results.count() == 1
    assert_accessible(otto)
    shot(otto, "platform-list")
    results.get_by_role("link", name="Cerchiamo chi facilita retrospettive").click()
    otto.wait_for_url(f"**/c/pm/opportunities/{opportunity.pk}/")
    otto.get_by_label("Qualche parola per chi l'ha pubblicata (facoltativo)").fill(
        "Ho facilitato venti retrospettive."
    )
    assert_accessible(otto)
    otto.get_by_role("button", name="Mi interessa").click()
    otto.wait_for_url("**/messages/*/")
    conversation = Conversation.objects.get()
    messages = otto.locator("#messages").inner_text()
    assert "Mi interessa la tua opportunità «Cerchiamo chi facilita retrospettive»" in messages
    assert "Ho facilitato venti retrospettive." in messages
    shot(otto, "conversation")
    assert Interest.objects.get().user == outsider

    # --- Mia reads it, answers, and sees who is interested. ---
    mia.goto(conversation.get_absolute_url())
    assert "Ho facilitato venti retrospettive." in mia.locator("#messages").inner_text()
    mia.get_by_label("Messaggio").fill("Grazie Otto! Ci sentiamo giovedì?")
    mia.get_by_role("button", name="Invia").click()
    mia.locator("#messages", has_text="Ci sentiamo giovedì?").wait_for()
    assert Message.objects.filter(conversation=conversation).count() == 2
    mia.goto(opportunity.get_absolute_url())
    interested = mia.locator(".opportunity-interests")
    assert "Otto" in interested.inner_text()
    shot(mia, "people-interested")

    # --- Otto's page remembers; closing takes it out of the list. ---
    otto.goto(opportunity.get_absolute_url())
    assert "Hai detto che ti interessa." in otto.locator(".opportunity-answer").inner_text()
    mia.get_by_role("button", name="Chiudi l'opportunità").click()
    mia.wait_for_url(f"**/c/pm/opportunities/{opportunity.pk}/")
    assert "chiusa" in mia.locator("main").inner_text()
    otto.goto("/opportunities/")
    assert otto.locator("article.opportunity").count() == 0

    # --- On a phone, the list still fits. ---
    otto.set_viewport_size({"width": 320, "height": 700})
    otto.goto("/opportunities/mine/")
    width = otto.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways on a phone ({width}px)"
    shot(otto, "phone-mine")

    assert mia.js_errors == [] and otto.js_errors == []
    network.assert_only_our_host()


def test_a_project_lead_publishes_a_call_for_partners(
    browser, live_server, community, member, network, shot, assert_accessible
):
    project = ProjectFactory(community=community, title="Manuale aperto", created_by=member)
    ProjectMember.objects.create(project=project, user=member, role=ProjectRole.LEAD)
    _warm_up()
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto(project.get_absolute_url())
    mia.get_by_role("link", name="Pubblica una ricerca di partner").click()
    mia.wait_for_url("**/call-for-partners/")
    form = mia.locator("main form")
    assert form.get_by_label("Titolo").input_value() == "Cerchiamo partner: Manuale aperto"
    assert_accessible(mia)
    form.get_by_role("button", name="Pubblica").click()
    mia.wait_for_url("**/c/pm/opportunities/*/")
    call = Opportunity.objects.get()
    assert call.kind == "call_for_partners" and call.project == project
    mia.goto(project.get_absolute_url())
    section = mia.locator(".project-call")
    assert "Cerchiamo partner: Manuale aperto" in section.inner_text()
    shot(mia, "project-call")
    assert mia.js_errors == []
    network.assert_only_our_host()
