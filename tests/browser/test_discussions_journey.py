"""The discussions journey, in the Italian UI: ask an anonymous question (with a
preview), get an answer without a reload, react and accept it, find it through
search; a non-member finds nothing of a private community's topics.
Screenshots go to test-artifacts/test_ask_answer_accept_and_find/."""

import pytest

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions.models import Topic
from koinon.discussions.tests.factories import make_topic
from tests.browser.helpers import logged_in_page

TITLE = "Come stimare un progetto senza dati storici?"


@pytest.fixture
def anonymous_ok(community):
    community.allow_anonymous = True
    community.languages = ["it"]
    community.save()
    return community


def test_ask_answer_accept_and_find(
    browser, live_server, anonymous_ok, member, mentor, outsider, network, shot, assert_accessible
):
    # --- A member asks a question anonymously, after looking at the preview. ---
    asker = logged_in_page(browser, live_server, member, network)
    asker.goto("/c/pm/topics/new/")
    assert asker.locator("h1").count() == 1
    assert_accessible(asker)
    form = asker.locator("main form")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=kind][value=question]").check()
    form.locator("[name=body]").fill("Ho solo **stime a occhio**: come faccio?")
    form.get_by_role("button", name="Anteprima").click()
    preview = asker.locator("#id_body-preview strong")
    preview.wait_for()
    assert preview.inner_text() == "stime a occhio"
    form.locator("[name=tags]").fill("stime, pianificazione")
    form.locator("[name=is_anonymous]").check()
    shot(asker, "question-form")
    form.get_by_role("button", name="Pubblica").click()
    asker.wait_for_url("**/c/pm/t/*/")
    topic = Topic.objects.get()
    assert topic.is_anonymous
    assert "Membro anonimo" in asker.locator("main").inner_text()
    assert "Mia" not in asker.locator("main").inner_text()
    shot(asker, "question-published")
    asker.goto("/c/pm/topics/?state=unanswered")
    assert TITLE in asker.locator("main").inner_text()
    assert_accessible(asker)
    asker.set_viewport_size({"width": 320, "height": 800})
    shot(asker, "topic-list-phone")
    asker.set_viewport_size({"width": 1280, "height": 900})

    # --- A mentor answers without a page reload, and the member finds it helpful. ---
    answerer = logged_in_page(browser, live_server, mentor, network)
    answerer.goto(topic.get_absolute_url())
    assert "Mia" not in answerer.locator("main").inner_text()
    assert_accessible(answerer)
    answerer.locator("#reply-form [name=body]").fill("Usa la stima a tre punti (PERT).")
    answerer.evaluate("window.koinonMarker = 1")  # survives only if the page is not reloaded
    answerer.locator("#reply-form").get_by_role("button", name="Invia").click()
    answerer.locator("#replies article").filter(has_text="PERT").wait_for()
    assert answerer.evaluate("window.koinonMarker") == 1
    assert answerer.locator("#reply-form [name=body]").input_value() == ""
    shot(answerer, "answered")

    asker.goto(topic.get_absolute_url())
    answer = asker.locator("#replies article").first
    answer.get_by_role("button", name="Utile").click()
    asker.locator("#replies article button[aria-pressed=true]").wait_for()
    # --- The asker accepts the answer. ---
    asker.locator("#replies").get_by_role("button", name="Accetta questa risposta").click()
    asker.locator("#replies .accepted-badge").wait_for()
    assert "Con risposta" in asker.locator("#topic-meta").inner_text()
    topic.refresh_from_db()
    assert topic.accepted_answer is not None
    shot(asker, "accepted")

    # --- Anyone finds it through search, still anonymous. ---
    visitor = logged_in_page(browser, live_server, outsider, network)
    visitor.goto("/search/?q=stimare")
    # Italian stemming (PostgreSQL) also finds the answer's "stima": both are in the topic.
    results = visitor.locator("main ol.search-results li")
    assert results.count() >= 1
    assert results.filter(has_text=TITLE).count() == results.count()
    found = visitor.locator("main").inner_text()
    assert "Membro anonimo" in found and "Con risposta" in found
    assert "Mia" not in found
    assert_accessible(visitor)
    shot(visitor, "search")

    # --- A non-member finds nothing of a private community. ---
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE, languages=["it"])
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Stimare i costi riservati del club")
    visitor.goto("/search/?q=riservati")
    assert visitor.locator("main ol.search-results li").count() == 0
    assert "0 risultati" in visitor.locator("main").inner_text()

    for page in (asker, answerer, visitor):
        assert page.js_errors == [], page.js_errors
        page.context.close()
    network.assert_only_our_host()
