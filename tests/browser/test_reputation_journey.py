"""The reputation journey, in the Italian UI: a member finds an answer helpful (HTMX),
the answerer's badge shows the points at once, their profile says where they were
earned, and the community's top contributors page lists them, also for the tag.
Screenshots go to test-artifacts/test_reputation_journey/."""

from koinon.accounts.models import ProfileVisibility
from koinon.discussions.tests.factories import make_question, make_reply
from koinon.reputation.models import ReputationScore
from tests.browser.test_projects_journey import logged_in_page


def test_reputation_journey(
    browser, live_server, community, member, mentor, network, shot, assert_accessible
):
    mentor.profile.visibility = ProfileVisibility.EVERYONE
    mentor.profile.save()
    question = make_question(member, community, tags="stima")
    answer = make_reply(mentor, question, body="Planning poker, con un timebox.")

    page = logged_in_page(browser, live_server, member, network)
    page.goto(question.get_absolute_url())
    post = page.locator(f"#post-{answer.pk}")
    assert "punti" not in post.locator("header").inner_text()  # a new member, no points yet
    post.locator("form:has(input[name=kind][value=helpful]) button").click()
    page.locator(f"#post-{answer.pk} .reputation-badge", has_text="5 punti").wait_for()
    assert ReputationScore.objects.filter(user=mentor, community=community, tag__name="stima")
    shot(page, "badge")

    page.locator(f"#post-{answer.pk} header a", has_text="Martina").click()
    page.wait_for_url(f"**/people/{mentor.pk}/**")
    section = page.locator("#reputation")
    assert "5 punti di reputazione" in section.inner_text()
    assert "stima" in section.inner_text()
    shot(page, "profile")

    section.locator("a", has_text="Project Managers").click()
    page.wait_for_url("**/c/pm/reputation/")
    assert page.locator("h1").inner_text() == "Chi contribuisce di più"
    assert "Martina" in page.locator("main table").inner_text()
    page.select_option("#reputation-tag", "stima")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/c/pm/reputation/?tag=stima")
    assert "Martina" in page.locator("main table").inner_text()
    assert_accessible(page)
    shot(page, "leaderboard")
    assert not page.js_errors
    network.assert_only_our_host()
