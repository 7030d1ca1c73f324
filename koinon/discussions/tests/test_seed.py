import pytest
from django.core.management import call_command

from koinon.communities.models import Community
from koinon.discussions.management.commands.seed import _check_html_matches_pipeline
from koinon.discussions.models import Post, Topic
from koinon.search.models import Document
from koinon.search.query import search

pytestmark = pytest.mark.django_db


def test_seed_writes_consistent_topics_posts_and_index(capsys):
    call_command("seed", posts=600, batch=250)
    assert Post.objects.count() == 600
    assert Document.objects.count() == 600
    for topic in Topic.objects.all()[:50]:
        posts = list(topic.posts.order_by("created_at"))
        assert posts[0].is_opening and topic.reply_count == len(posts) - 1
        assert topic.last_activity_at == posts[-1].created_at
        if topic.accepted_answer_id:
            assert topic.accepted_answer.topic_id == topic.pk and topic.is_question
    assert Community.objects.filter(slug__startswith="seed-").count() >= 3
    out = capsys.readouterr().out
    assert "members log in with" in out and "indexed 600 of 600 posts" in out
    from koinon.accounts.handles import HANDLE_RE
    from koinon.accounts.models import Profile

    handles = list(Profile.objects.values_list("handle", flat=True))
    assert len(handles) == len(set(handles)) >= 20
    assert all(h and HANDLE_RE.match(h) for h in handles)


@pytest.mark.django_db(transaction=True)
def test_seed_vacuums_postgresql_and_merges_sqlite_s_index_after_the_bulk_load():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call_command("seed", posts=100, no_index=True)
    last = [q["sql"] for q in queries if "ANALYZE" in q["sql"]][-1]
    assert last == ("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    merged = any("VALUES ('optimize')" in q["sql"] for q in queries)
    assert merged == (connection.vendor == "sqlite")


def test_seeded_content_is_searchable_and_new_rows_follow():
    call_command("seed", posts=200)
    topic = Topic.objects.filter(community__visibility="public").first()
    member = topic.community.memberships.first().user
    word = topic.title.split()[-1].strip("?")
    assert search(member, word).total >= 1
    from koinon.discussions.tests.factories import make_reply

    assert make_reply(member, topic).pk > Post.objects.exclude(topic=topic).order_by("-pk")[0].pk


def test_generated_html_is_what_the_pipeline_gives():
    assert _check_html_matches_pipeline()
