"""The insights journey, in the Italian UI: a moderator opens the health insights from
the community page, sees the life stage, the figures and four charts drawn by our own
Chart.js (under the CSP, nothing from another host), reads a chart's table, downloads
its CSV, then opens the insights to the members; a member then finds the link too.
Screenshots go to test-artifacts/test_moderator_reads_and_shares_the_insights/."""

from koinon.insights.figures import community_insights
from koinon.insights.models import InsightsSettings
from koinon.insights.tests.seed import seed
from tests.browser.helpers import logged_in_page


def test_moderator_reads_and_shares_the_insights(
    browser, live_server, community, network, shot, assert_accessible
):
    world = seed(community)
    expected = community_insights(community)
    page = logged_in_page(browser, live_server, world.moderator, network)

    page.goto("/c/pm/")
    page.locator("main a", has_text="Indicatori di salute").click()
    page.wait_for_url("**/c/pm/insights/")
    assert page.locator("h1").inner_text() == "Salute di Project Managers"
    assert "Fase di vita" in page.locator("#stage-heading").inner_text()

    # Four charts, each drawn by Chart.js on a visible canvas.
    canvases = page.locator("figure.insights-chart canvas")
    assert canvases.count() == 4
    page.wait_for_function(
        "[...document.querySelectorAll('figure.insights-chart canvas')]"
        ".every(c => window.Chart && window.Chart.getChart(c))"
    )
    assert canvases.first.is_visible()
    shot(page, "insights")

    # The figures and the tables say what the database says.
    members = page.locator(".insights-figures div", has_text="Membri").first
    assert members.locator("dd").inner_text() == str(expected.members)
    table = page.locator("#chart-participation-heading + p + figure table")
    assert table.locator("tbody tr").count() == 4
    core = table.locator("tbody tr").first
    assert core.locator("td").inner_text() == str(expected.participation["core"])

    with page.expect_download() as download:
        page.locator("a", has_text="Scarica «Livelli di partecipazione» (CSV)").click()
    assert download.value.suggested_filename == "pm-participation.csv"

    assert_accessible(page)

    # Open the insights to every member.
    page.locator("input[name=members_can_view]").check()
    page.locator("form button", has_text="Salva").click()
    page.wait_for_url("**/c/pm/insights/")
    assert InsightsSettings.objects.get(community=community).members_can_view is True

    reader = logged_in_page(browser, live_server, world.mia, network)
    reader.goto("/c/pm/")
    reader.locator("main a", has_text="Indicatori di salute").click()
    reader.wait_for_url("**/c/pm/insights/")
    assert reader.locator("input[name=members_can_view]").count() == 0
    shot(reader, "member-view")

    assert page.js_errors == [] and reader.js_errors == []
    network.assert_only_our_host()
