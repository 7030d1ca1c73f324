"""The generic contract: any content indexed with `index_item`, dropped with `unindex_item`."""

import pytest
from django.utils import translation

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions.tests.factories import make_topic
from koinon.projects.tests.factories import IdeaFactory
from koinon.search.index import index_item, unindex_item
from koinon.search.models import Document
from koinon.search.query import search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _index(idea, **extra):
    fields = {
        "community": idea.community,
        "title": idea.title,
        "body_html_or_text": f"<p>{idea.problem}</p> <p>{idea.proposal}</p>",
        "url": idea.get_absolute_url(),
        "language": "en",
        "author": idea.author,
        "created_at": idea.created_at,
    }
    fields.update(extra)
    return index_item(idea, **fields)


def test_an_item_is_indexed_found_updated_and_dropped(community, member, outsider):
    idea = IdeaFactory(community=community, author=member, title="Kanban for the legal team")
    document = _index(idea)
    assert (document.kind, document.object_id, document.post_id) == ("projects.idea", idea.pk, None)
    (result,) = search(outsider, "kanban").items
    assert result.url == idea.get_absolute_url()
    assert result.content_kind == "ideas" and result.kind == "Idea"
    assert "<mark>Kanban</mark>" in result.title_html
    assert result.community_slug == community.slug and result.author_name
    idea.title = "Scrum for the legal team"
    _index(idea)
    assert Document.objects.count() == 1
    assert search(outsider, "kanban").total == 0 and search(outsider, "scrum").total == 1
    unindex_item(idea)
    assert search(outsider, "scrum").total == 0 and not Document.objects.exists()


def test_html_is_stripped_and_anonymous_items_have_no_author(community, member):
    idea = IdeaFactory(community=community, author=member, title="Retrospective games")
    _index(idea, author=None, body_html_or_text="<script>x</script><b>Sailboat</b> game")
    (result,) = search(member, "sailboat").items
    assert result.author_name == "" and "<b>" not in result.snippet_html
    assert search(member, "retrospective", {"author": member.pk}).total == 0


def test_a_private_communitys_item_never_reaches_an_outsider(member, outsider):
    private = CommunityFactory(slug="inner", visibility=Visibility.PRIVATE)
    MembershipFactory(community=private, user=member)
    _index(IdeaFactory(community=private, author=member, title="Confidential merger plan"))
    assert search(outsider, "merger").total == 0
    assert search(member, "merger").total == 1


def test_kind_filter_separates_posts_and_items(community, member):
    make_topic(member, community, title="Budget review", body="The budget.")
    _index(IdeaFactory(community=community, author=member, title="Budget dashboard"))
    assert [r.content_kind for r in search(member, "budget", {"kind": "ideas"}).items] == ["ideas"]
    assert search(member, "budget", {"kind": "discussions"}).total == 1
    assert search(member, "budget", {"kind": "discussion"}).total == 1
    assert search(member, "budget", {"kind": "practices"}).total == 0
    assert search(member, "budget", {"kind": "nonsense"}).total == 0
    assert search(member, "budget").total == 2
    # Similar topics stay among discussions.
    from koinon.search.query import similar_topics

    assert [r.content_kind for r in similar_topics(member, "budget dashboard")] == ["discussions"]
