"""The standards journey, in the Italian UI: a discussion becomes a first draft of an
ethical guideline split into sections; another member comments on a section and
proposes an amendment that the drafter accepts; the drafter opens the ratification
vote (quorum and threshold stated on the page, the text frozen), both vote, the
drafter closes it and the ratified text is published with its change log; a phone
shows it all. Screenshots go to test-artifacts/test_draft_comment_vote_publish/."""

from datetime import timedelta

from django.utils import timezone

from koinon.discussions.actions import do_create_topic
from koinon.standards.models import Amendment, Ballot, SectionComment, Standard
from tests.browser.helpers import logged_in_page

BODY = """Come lavoriamo con i clienti.

## Riservatezza

Non condividiamo i dati dei clienti.

## Conflitti di interesse

Li dichiariamo prima di iniziare."""


def fresh(page, address):
    """Load `address` from the server (a change of #fragment alone would not)."""
    page.goto(address)
    page.reload()


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_draft_comment_vote_publish(
    browser, live_server, community, member, mentor, network, shot, assert_accessible
):
    topic = do_create_topic(
        member, community, title="Etica della consulenza", body="Servono regole comuni."
    )

    # --- The discussion becomes a first draft of an ethical guideline. ---
    drafter = logged_in_page(browser, live_server, member, network)
    drafter.goto(topic.get_absolute_url())
    drafter.get_by_role("button", name="Trasforma la discussione in una prima bozza").click()
    drafter.wait_for_url("**/c/pm/standards/new/?topic=*")
    assert_accessible(drafter)
    form = drafter.locator("main form")
    assert form.locator("[name=title]").input_value() == "Etica della consulenza"
    form.locator("[name=kind]").select_option("guideline")
    form.locator("[name=body]").fill(BODY)
    form.get_by_role("button", name="Salva la bozza").click()
    drafter.wait_for_url("**/c/pm/standards/etica-della-consulenza/")
    standard = Standard.objects.get()
    assert standard.kind == "guideline" and standard.origin_topic == topic
    assert drafter.locator("#section-riservatezza").count() == 1
    assert_accessible(drafter)
    shot(drafter, "draft")

    # --- Another member comments on a section and proposes an amendment. ---
    reviewer = logged_in_page(browser, live_server, mentor, network)
    reviewer.goto(standard.get_absolute_url())
    section = reviewer.locator("#section-riservatezza")
    section.locator("summary").click()
    section.get_by_label("Commenta “Riservatezza”").fill("Anche dopo la fine del contratto?")
    section.get_by_role("button", name="Commenta").click()
    reviewer.wait_for_url("**#section-riservatezza")
    assert SectionComment.objects.get().section == "riservatezza"
    assert (
        "Anche dopo la fine del contratto?"
        in reviewer.locator("#section-riservatezza").inner_text()
    )
    reviewer.get_by_role("link", name="Proponi un emendamento a “Riservatezza”").click()
    assert_accessible(reviewer)
    reviewer.locator("[name=text]").fill(
        "## Riservatezza\n\nNon condividiamo i dati dei clienti, nemmeno dopo il contratto."
    )
    reviewer.locator("[name=rationale]").fill("Il dovere dura oltre il contratto.")
    reviewer.get_by_role("button", name="Proponi l'emendamento").click()
    reviewer.wait_for_url("**#section-riservatezza")
    shot(reviewer, "commented")

    # --- The drafter accepts the amendment: a new version. ---
    fresh(drafter, standard.get_absolute_url() + "#amendments")
    amendments = drafter.locator("#amendments")
    amendments.get_by_role("button", name="Accogli").click()
    drafter.wait_for_url("**#amendments")
    assert Amendment.objects.get().status == "accepted"
    standard.refresh_from_db()
    assert standard.version == 2 and "nemmeno dopo il contratto" in standard.body

    # --- The drafter opens the vote; its rules are on the page and the text is frozen. ---
    vote = drafter.locator("#vote")
    vote.locator("summary").click()
    closes = timezone.localtime() + timedelta(days=7)
    vote.locator("[name=closes_at]").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    vote.locator("[name=quorum]").fill("50")
    vote.locator("[name=threshold]").fill("60")
    vote.get_by_role("button", name="Apri la votazione").click()
    drafter.wait_for_url("**#vote")
    text = drafter.locator("#vote").inner_text()
    assert "50 %" in text and "60 %" in text and "non si astiene" in text
    assert drafter.locator(".frozen").count() == 1
    assert drafter.get_by_role("link", name="Modifica il testo").count() == 0
    assert_accessible(drafter)
    shot(drafter, "vote-open")

    # --- Both vote; a second vote is refused; the drafter closes and counts. ---
    drafter.locator("#vote").get_by_label("Approvo").check()
    drafter.get_by_role("button", name="Esprimi il mio voto").click()
    drafter.wait_for_url("**#vote")
    assert "Hai votato: Approvo." in drafter.locator("#vote").inner_text()
    fresh(reviewer, standard.get_absolute_url() + "#vote")
    reviewer.locator("#vote").get_by_label("Approvo").check()
    reviewer.locator("#vote [name=reason]").fill("Chiaro e utile.")
    reviewer.get_by_role("button", name="Esprimi il mio voto").click()
    reviewer.wait_for_url("**#vote")
    fresh(drafter, standard.get_absolute_url() + "#vote")
    drafter.get_by_role("button", name="Chiudi ora la votazione e conta i voti").click()
    drafter.wait_for_url("**/c/pm/standards/etica-della-consulenza/published/")
    ballot = Ballot.objects.get()
    assert ballot.result == "ratified" and ballot.approve_count == 2

    # --- The ratified text is published with its change log. ---
    main = drafter.locator("main").inner_text()
    assert "Ratifica della comunità: versione 2" in main
    assert "nemmeno dopo il contratto" in main
    assert "Registro delle modifiche" in main and "Accolto l'emendamento di Martina" in main
    assert_accessible(drafter)
    shot(drafter, "published")
    drafter.get_by_role("link", name="Versione 1").click()
    assert "Non condividiamo i dati dei clienti." in drafter.locator("main").inner_text()

    # --- On a 320px phone the standard and its published text fit the screen. ---
    phone = logged_in_page(browser, live_server, mentor, network, width=320)
    for address in (
        standard.get_absolute_url(),
        standard.get_absolute_url() + "published/",
        "/c/pm/standards/",
    ):
        phone.goto(address)
        assert fits(phone, 320), address
    shot(phone, "phone-published")

    network.assert_only_our_host()
    assert drafter.js_errors == [] and reviewer.js_errors == [] and phone.js_errors == []
