"""The insights page, its CSV files, the API, who may read them, and their query bounds."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.discussions.models import Post, Topic, TopicKind
from koinon.events.tests.factories import EventFactory
from koinon.insights.actions import do_set_insights_visibility
from koinon.insights.models import InsightsSettings
from koinon.lib.errors import Forbidden

URL = "/c/pm/insights/"
API = "/api/v1/communities/pm/insights"


def _get(client, user, url=URL):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- Who may read ----------------------------------------------------------------------


def test_moderator_sees_the_page_with_figures_charts_and_tables(client, moderator, community):
    response = _get(client, moderator)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Life stage" in html or "Fase di vita" in html
    for key in ("members", "weekly-active", "participation", "meetings"):
        assert f'id="chart-data-{key}"' in html
        assert f"/c/pm/insights/{key}.csv" in html
    assert "vendor/chart-4.6.1.umd.min.js" in html
    assert "<strong>Potential</strong>" in html or "<strong>Potenziale</strong>" in html
    assert "<script>" not in html  # CSP: no inline script, data goes through json_script
    assert 'name="members_can_view"' in html  # the switch, for moderators


def test_owner_sees_the_page(client, owner):
    assert _get(client, owner).status_code == 200


def test_member_of_a_private_insights_community_gets_a_clear_403(client, member):
    response = _get(client, member)
    assert response.status_code == 403
    assert "owners and moderators" in response.content.decode() or "moderatori" in (
        response.content.decode()
    )


def test_member_reads_them_once_the_community_chooses_so(client, member, moderator, community):
    do_set_insights_visibility(moderator, community, True)
    response = _get(client, member)
    assert response.status_code == 200
    assert 'name="members_can_view"' not in response.content.decode()


def test_outsider_of_a_public_community_gets_403_even_when_members_may(
    client, outsider, moderator, community
):
    do_set_insights_visibility(moderator, community, True)
    assert _get(client, outsider).status_code == 403


def test_secret_community_is_404_for_outsiders(client, outsider, community):
    community.visibility = Visibility.SECRET
    community.save()
    assert _get(client, outsider).status_code == 404
    assert _get(client, outsider, API).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, community):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_unknown_community_is_404(client, moderator):
    assert _get(client, moderator, "/c/nope/insights/").status_code == 404


# --- Who may change it -----------------------------------------------------------------


def test_moderator_opens_the_insights_to_members_and_closes_them(client, moderator, community):
    client.force_login(moderator)
    response = client.post("/c/pm/insights/visibility/", {"members_can_view": "on"})
    assert response.status_code == 302
    assert InsightsSettings.objects.get(community=community).members_can_view is True
    client.post("/c/pm/insights/visibility/", {})
    assert InsightsSettings.objects.get(community=community).members_can_view is False
    assert ActivityEntry.objects.filter(verb="insights.visibility_changed").count() == 2


def test_member_cannot_change_who_reads(client, member, moderator, community):
    do_set_insights_visibility(moderator, community, True)
    client.force_login(member)
    response = client.post("/c/pm/insights/visibility/", {"members_can_view": ""})
    assert response.status_code == 403
    assert InsightsSettings.objects.get(community=community).members_can_view is True
    with pytest.raises(Forbidden):
        do_set_insights_visibility(member, community, False)


def test_visibility_switch_refuses_get(client, moderator):
    assert _get(client, moderator, "/c/pm/insights/visibility/").status_code == 405


# --- Community page link ---------------------------------------------------------------


def test_community_page_links_insights_for_moderators_only_by_default(
    client, moderator, member, community
):
    assert "/c/pm/insights/" in _get(client, moderator, "/c/pm/").content.decode()
    assert "/c/pm/insights/" not in _get(client, member, "/c/pm/").content.decode()
    do_set_insights_visibility(moderator, community, True)
    assert "/c/pm/insights/" in _get(client, member, "/c/pm/").content.decode()


# --- CSV -------------------------------------------------------------------------------


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_of_a_chart_has_a_header_and_one_row_per_period(client, moderator, member, community):
    response = _get(client, moderator, "/c/pm/insights/participation.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="pm-participation.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert len(rows) == 5
    assert [r[0] for r in rows[1:]] == ["core", "active", "peripheral", "inactive"]
    assert rows[4][1] == "2"  # moderator and member, no actions yet
    assert len(_rows(_get(client, moderator, "/c/pm/insights/weekly-active.csv"))) == 13
    assert len(_rows(_get(client, moderator, "/c/pm/insights/members.csv"))) == 13
    assert len(_rows(_get(client, moderator, "/c/pm/insights/meetings.csv"))) == 13


def test_csv_of_every_figure(client, moderator):
    rows = _rows(_get(client, moderator, "/c/pm/insights/figures.csv"))
    assert len(rows) > 20
    assert rows[1][1] == "1"  # members


def test_csv_of_an_unknown_chart_is_404_and_private_csv_403(client, moderator, member):
    assert _get(client, moderator, "/c/pm/insights/nonsense.csv").status_code == 404
    client.logout()
    assert _get(client, member, "/c/pm/insights/members.csv").status_code == 403


# --- API -------------------------------------------------------------------------------


def test_api_gives_the_same_figures(client, moderator, member, community):
    response = _get(client, moderator, API)
    assert response.status_code == 200
    body = response.json()
    assert body["community"] == "pm"
    assert body["members"] == 2
    assert body["participation"] == {"core": 0, "active": 0, "peripheral": 0, "inactive": 2}
    assert body["stage"]["key"] == "potential"
    assert len(body["weekly_active"]) == 12
    assert len(body["members_over_time"]) == 12
    assert body["members_can_view"] is False


def test_api_refuses_a_member_of_private_insights_with_a_clear_code(client, member):
    response = _get(client, member, API)
    assert response.status_code == 403
    assert response.json()["code"] == "insights_private"


def test_api_needs_authentication(client, community):
    assert client.get(API).status_code == 401


def test_api_schema_lists_the_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/communities/{slug}/insights" in schema["paths"]


# --- Speed: a bounded number of queries at any size -------------------------------------


def _grow(community, people: int, actions_each: int, questions: int):
    """Add members with actions, answered questions and held events."""
    now = timezone.now()
    for i in range(people):
        user = UserFactory()
        MembershipFactory(community=community, user=user, joined_at=now - timedelta(days=i * 7))
        ActivityEntry.objects.bulk_create(
            ActivityEntry(actor=user, verb="post.created", community=community)
            for _i in range(actions_each)
        )
        for q in range(questions):
            topic = Topic.objects.create(
                community=community, kind=TopicKind.QUESTION, title=f"Q{i}-{q}", author=user
            )
            Post.objects.create(topic=topic, author=None, body="a", body_html="a")
        EventFactory(community=community, starts_at=now - timedelta(days=i * 9 + 1))


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [URL, API, "/c/pm/insights/figures.csv"])
def test_query_count_does_not_grow_with_the_community(client, moderator, community, url):
    client.force_login(moderator)
    client.get(url)  # warm the caches (content types, sessions)
    _grow(community, 2, 2, 1)
    small = _queries(client, url)
    _grow(community, 12, 8, 3)
    large = _queries(client, url)
    assert large == small, (
        f"The insights of a bigger community ran {large} queries instead of {small}: "
        "some figure is computed per row."
    )


def test_page_of_another_community_shows_only_its_own_figures(client, moderator, community):
    other = CommunityFactory(slug="other")
    intruder = UserFactory()
    MembershipFactory(community=other, user=intruder)
    ActivityEntry.objects.bulk_create(
        ActivityEntry(actor=intruder, verb="post.created", community=other) for _i in range(30)
    )
    body = _get(client, moderator, API).json()
    assert body["participation"]["core"] == 0
    assert body["members"] == 1


def test_chart_data_is_valid_json_for_the_script(client, moderator):
    html = _get(client, moderator).content.decode()
    start = html.index('id="chart-data-participation"')
    start = html.index(">", start) + 1
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["type"] == "bar"
    assert data["datasets"][0]["data"] == [0, 0, 0, 1]


def test_the_page_speaks_italian(client, moderator):
    moderator.language = "it"
    moderator.save(update_fields=["language"])
    client.force_login(moderator)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Fase di vita" in html
    assert "Membri attivi per settimana" in html
    assert "<strong>Potenziale</strong>" in html
