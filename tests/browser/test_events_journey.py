"""The events journey of issue 5, in the Italian UI: a moderator creates a weekly meeting;
two people register for an occurrence with one place, the second is wait-listed; the
first cancels, the second is promoted and gets the e-mail; her personal calendar feed
parses with `icalendar` and shows the occurrence at 18:00 Rome time, before and after
the change to summer time.
Screenshots go to test-artifacts/test_weekly_meeting_wait_list_and_personal_calendar/."""

from datetime import timedelta
from urllib.request import urlopen

import icalendar

from koinon.events.models import Event, Registration
from tests.browser.test_discussions_journey import logged_in_page


def test_weekly_meeting_wait_list_and_personal_calendar(
    browser,
    live_server,
    community,
    moderator,
    member,
    mentor,
    network,
    mailbox,
    shot,
    assert_accessible,
):
    # --- The moderator creates a weekly meeting with one place. ---
    marco = logged_in_page(browser, live_server, moderator, network)
    # The live server's first request imports the whole project: slow on a busy machine.
    marco.goto("/c/pm/events/new/", timeout=120_000)
    assert marco.locator("h1").inner_text() == "Nuovo evento"
    assert_accessible(marco)
    form = marco.locator("main form")
    form.get_by_label("Tipo", exact=True).select_option("meetup")
    form.get_by_label("Titolo", exact=True).fill("Stand-up settimanale")
    form.get_by_label("Inizio", exact=True).fill("2027-03-16T18:00")
    form.get_by_label("Fine", exact=True).fill("2027-03-16T19:00")
    form.get_by_label("Posti", exact=True).fill("1")
    form.get_by_label("Ripetizione", exact=True).fill("FREQ=WEEKLY;COUNT=4")
    shot(marco, "new-weekly-meeting")
    form.get_by_role("button", name="Pubblica l’evento").click()
    marco.wait_for_url("**/c/pm/events/*/")
    assert Event.objects.count() == 4
    first, second = Event.objects.order_by("starts_at")[:2]
    assert marco.locator("h1").inner_text() == "Stand-up settimanale"
    assert "Europe/Rome" in marco.locator(".event-facts").inner_text()

    # --- Mia registers for the second meeting (23 March) without a reload. ---
    mia = logged_in_page(browser, live_server, member, network)
    mia.goto(f"/c/pm/events/{second.pk}/")
    assert_accessible(mia)
    url = mia.url
    mia.get_by_role("button", name="Iscriviti").click()
    mia.locator("#event-registration", has_text="Sei iscritto.").wait_for()
    assert mia.url == url
    shot(mia, "registered")

    # --- Martina finds it full and joins the wait list. ---
    martina = logged_in_page(browser, live_server, mentor, network)
    martina.goto(f"/c/pm/events/{second.pk}/")
    martina.get_by_role("button", name="Mettiti in lista d’attesa").click()
    martina.locator("#event-registration", has_text="Sei in lista d’attesa.").wait_for()
    shot(martina, "wait-listed")

    # --- Mia cancels; Martina gets the place and an e-mail in Italian. ---
    mia.get_by_role("button", name="Annulla la mia iscrizione").click()
    # The freed place went to Martina: Mia is offered the wait list now.
    mia.locator("#event-registration", has_text="Mettiti in lista d’attesa").wait_for()
    assert Registration.objects.get(user=mentor).status == "confirmed"
    message = mailbox.wait_for(mentor.email)
    assert "Hai un posto" in str(message["Subject"])
    link = mailbox.link(mentor.email, f"/c/pm/events/{second.pk}/")
    martina.goto(link)
    assert "Sei iscritto." in martina.locator("#event-registration").inner_text()

    # --- The month calendar and the list, on a phone. ---
    martina.set_viewport_size({"width": 320, "height": 800})
    martina.goto("/c/pm/events/calendar/2027/3/")
    assert martina.locator(".event-chip").count() == 3  # 16, 23 and 30 March
    assert "18:00 Stand-up settimanale" in martina.locator(".event-month").inner_text()
    assert_accessible(martina)
    shot(martina, "month-on-phone")
    martina.goto("/c/pm/events/")
    assert_accessible(martina)
    shot(martina, "list-on-phone")

    # --- Martina registers for the 30 March meeting and reads her personal calendar. ---
    martina.goto(f"/c/pm/events/{first.pk + 2}/")
    martina.get_by_role("button", name="Iscriviti").click()
    martina.locator("#event-registration", has_text="Sei iscritto.").wait_for()
    martina.goto("/events/calendar/")
    assert_accessible(martina)
    feed_url = martina.locator("#feed-url").input_value()
    assert feed_url.startswith(live_server.url + "/events/calendar/")
    with urlopen(feed_url) as response:  # noqa: S310 - the live server
        cal = icalendar.Calendar.from_ical(response.read())
    starts = sorted(event.decoded("DTSTART") for event in cal.walk("VEVENT"))
    assert [(s.strftime("%Y-%m-%d %H:%M"), s.utcoffset()) for s in starts] == [
        ("2027-03-23 18:00", timedelta(hours=1)),
        ("2027-03-30 18:00", timedelta(hours=2)),
    ]

    # --- The moderator lengthens the series by a week from its page. ---
    marco.goto(f"/c/pm/events/{first.pk}/")
    marco.get_by_role("link", name="Cambia la regola di ripetizione").click()
    rule = marco.locator("main form").get_by_label("Ripetizione", exact=True)
    assert rule.input_value() == "FREQ=WEEKLY;COUNT=4"
    assert_accessible(marco)
    rule.fill("FREQ=WEEKLY;COUNT=5")
    marco.get_by_role("button", name="Salva la serie").click()
    marco.get_by_text("Serie aggiornata. Incontri aggiunti: 1,").wait_for()
    assert Event.objects.count() == 5
    shot(marco, "series-rule-changed")

    network.assert_only_our_host()
    for page in (marco, mia, martina):
        assert page.js_errors == []
