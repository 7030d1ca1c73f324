"""A search asked again is not ranked again until the index changes; what else it shows
is read afresh, so nothing deleted, hidden or closed since is ever shown."""

import pytest

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.search.models import Document
from koinon.search.query import search

pytestmark = pytest.mark.django_db

RANKING = ("bm25(", "ts_rank(", "count(*)", "highlight(", "ts_headline(")


def _ranking_queries(queries):
    return [q["sql"] for q in queries if any(t in q["sql"] for t in RANKING)]


@pytest.fixture
def topic(community, member):
    return make_topic(member, community, title="Kanban limits", body="Limits on work in progress.")


def test_the_same_search_is_ranked_and_highlighted_once(
    topic, outsider, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10) as queries:
        first = search(outsider, "limits")
    assert _ranking_queries(queries) != []
    with django_assert_max_num_queries(10) as queries:
        again = search(outsider, "limits")
    assert [r.url for r in again.items] == [r.url for r in first.items] != []
    assert again.total == first.total
    # Neither ranked nor highlighted again: only what the results show is read.
    assert _ranking_queries(queries) == []


def test_another_reader_s_communities_are_ranked_apart(topic, community, member, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    assert search(member, "limits").total == 1
    assert search(outsider, "limits").total == 0


def test_a_new_post_is_found_at_once(topic, outsider, mentor):
    assert search(outsider, "limits").total == 1
    make_reply(mentor, topic, body="Our limits are per column.")
    assert search(outsider, "limits").total == 2


def test_a_deleted_post_leaves_the_results_at_once(topic, outsider, mentor, moderator):
    reply = make_reply(mentor, topic, body="Limits saved our team.")
    assert search(outsider, "limits").total == 2
    actions.do_delete_post(moderator, reply)
    assert [r.url for r in search(outsider, "limits").items] == [
        topic.get_absolute_url() + f"#post-{topic.posts.get(is_opening=True).pk}"
    ]


def test_a_kept_ranking_never_shows_what_left_the_index_unannounced(topic, outsider, mentor):
    make_reply(mentor, topic, body="Limits saved our team.")
    assert len(search(outsider, "limits").items) == 2
    # Gone without the index's generation moving (a cascade, say): still not shown.
    Document.objects.filter(post__is_opening=False).delete()
    assert len(search(outsider, "limits").items) == 1


def test_a_community_closed_since_shows_nothing_to_outsiders(topic, community, outsider):
    assert search(outsider, "limits").total == 1
    Document.objects.update(community=community)  # no change, but the ranking is kept
    community.visibility = Visibility.PRIVATE
    community.save()
    assert search(outsider, "limits").items == []


def test_a_reader_s_communities_are_read_once_until_a_membership_changes(
    topic, community, outsider, django_assert_max_num_queries
):
    community.visibility = Visibility.PRIVATE
    community.save()
    assert search(outsider, "limits").total == 0
    with django_assert_max_num_queries(10) as queries:
        assert search(outsider, "limits").total == 0
    assert not [q for q in queries if "communities_membership" in q["sql"]]
    joined = MembershipFactory(community=community, user=outsider)
    assert search(outsider, "limits").total == 1
    joined.delete()
    assert search(outsider, "limits").total == 0


def test_a_new_public_community_is_searched_at_once(outsider, member):
    assert search(outsider, "sailboat").total == 0
    club = CommunityFactory(visibility=Visibility.PUBLIC)
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Sailboat retros", body="Wind and anchors.")
    assert [r.community_name for r in search(outsider, "sailboat").items] == [club.name]


def test_a_new_private_community_is_neither_shown_nor_counted(topic, member, outsider):
    assert search(outsider, "limits").total == 1
    club = CommunityFactory(visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Limits of our budget", body="Private figures.")
    found = search(outsider, "limits")
    assert found.total == 1 and len(found.items) == 1
    assert search(member, "limits").total == 2


def test_a_community_gone_is_not_searched(topic, community, outsider):
    assert search(outsider, "limits").total == 1
    community.delete()
    assert search(outsider, "limits").total == 0


# --- The page: what each result shows is read afresh --------------------------------


def test_the_page_shows_a_renamed_author_and_a_new_title_at_once(client, topic, member):
    from django.urls import reverse

    url = reverse("search") + "?q=limits"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kanban" in page and member.display_name in page
    member.profile.display_name = "Mia Renamed"
    member.profile.save()
    actions.do_edit_topic(member, topic, title="Limits of a Scrum board")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mia Renamed" in page and "Scrum board" in page
    assert "Kanban" not in page


def test_the_page_reads_the_header_the_filters_and_the_reader_s_communities_at_once(
    client, topic, member, monkeypatch
):
    from django.core.cache import cache
    from django.db import connection
    from django.urls import reverse

    client.force_login(member)
    url = reverse("search") + "?q=limits"
    client.get(url)  # the header's figures and the filters are now kept
    reads, get_many, get, inside = [], cache.get_many, cache.get, []

    def counted(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(True)  # the local cache's get_many calls get for each key
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def counted_one(key, *args, **kwargs):
        if not inside:
            reads.append([key])
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    monkeypatch.setattr(cache, "get", counted_one)
    assert "Kanban" in client.get(url).content.decode()
    first = next(keys for keys in reads if any(k.startswith("person-count:") for k in keys))
    assert f"search:readable:{member.pk}" in first
    assert any(k.startswith("fragment:shared:") for k in first)
    read_alone = [k for keys in reads if keys is not first for k in keys]
    assert not any(k.startswith("fragment:shared:") for k in read_alone), reads
    if connection.vendor == "sqlite":  # the communities' counts that guide its match
        assert "search:rows-by-community" in first
        assert "search:rows-by-community" not in read_alone, reads


def test_the_filters_open_with_their_values_only_when_set(client, topic):
    from django.urls import reverse

    plain = client.get(reverse("search") + "?q=limits").content.decode()
    filtered = client.get(reverse("search") + "?q=limits&tag=wip").content.decode()
    assert "<details open>" not in plain
    assert "<details open>" in filtered and 'value="wip"' in filtered
    assert "<details open>" not in client.get(reverse("search") + "?q=limits").content.decode()
