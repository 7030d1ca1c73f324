import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_question, make_reply, make_topic
from koinon.search import index
from koinon.search.models import Document
from koinon.search.query import fts_match, highlighted, search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def anonymous_ok(community):
    community.allow_anonymous = True
    community.save()
    return community


@pytest.fixture
def ranked_anew_on(settings):
    """For a test of one backend's own plan: skipped on the other; no search kept."""

    def on(vendor):
        from django.db import connection

        if connection.vendor != vendor:
            pytest.skip(f"{vendor}'s own plan")
        settings.SEARCH_CACHE_SECONDS = 0

    return on


def titles(results):
    return [r.topic_title for r in results.items]


def test_finds_a_topic_by_a_word_of_its_title(community, member, outsider):
    make_topic(member, community, title="Estimating with story points", body="How?")
    make_topic(member, community, title="Retrospective formats", body="Which ones?")
    results = search(outsider, "story")
    assert titles(results) == ["Estimating with story points"]
    assert results.total == 1


def test_finds_replies_and_highlights_the_words(community, member, mentor, outsider):
    topic = make_topic(member, community, title="Budgets")
    make_reply(mentor, topic, body="We keep a contingency reserve for every release.")
    (result,) = search(outsider, "contingency").items
    assert "<mark>contingency</mark>" in result.snippet_html
    assert result.url.endswith(f"#post-{topic.posts.latest('id').pk}")


def test_stemming_finds_other_forms_of_a_word(community, member):
    community.languages = ["en"]
    community.save()
    make_topic(member, community, title="Planning", body="We were estimating the backlog.")
    assert search(member, "estimate").total == 1


def test_title_matches_rank_above_body_matches(community, member):
    make_topic(member, community, title="Other things", body="A word about kanban here.")
    make_topic(member, community, title="Kanban boards", body="Columns and limits.")
    assert titles(search(member, "kanban"))[0] == "Kanban boards"


def test_nothing_for_an_empty_or_wordless_query(community, member):
    make_topic(member, community)
    assert search(member, "").total == 0
    assert search(member, '"*() -').total == 0


def test_hostile_query_syntax_is_taken_as_words(community, member):
    make_topic(member, community, title="Risk register", body="NEAR AND OR NOT")
    assert search(member, "register) risk* NEAR").total == 1
    assert search(member, '" OR ( NEAR title:* -').total == 0
    assert fts_match('a "b" c*') == '"a" "b" "c"'


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_hidden_communities_never_reach_non_members(visibility, member, outsider):
    club = CommunityFactory(slug="club", visibility=visibility)
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Confidential salary survey", body="salary numbers")
    for viewer in (outsider, AnonymousUser()):
        assert search(viewer, "salary").total == 0
        assert search(viewer, "salary", {"community": "club"}).items == []
    assert search(member, "salary").total == 1


def test_a_community_turning_private_hides_its_results_at_once(community, member, outsider):
    make_topic(member, community, title="Onboarding checklist")
    community.visibility = Visibility.PRIVATE
    community.save()
    assert search(outsider, "onboarding").total == 0


def test_anonymous_authors_stay_hidden(anonymous_ok, member, outsider, moderator):
    make_question(member, anonymous_ok, title="Afraid of failing the audit", is_anonymous=True)
    for viewer in (outsider, moderator):
        (result,) = search(viewer, "audit").items
        assert result.author_name == "Anonymous member"
    assert search(outsider, "audit", {"author": member.pk}).total == 0
    assert Document.objects.get().author is None


def test_filter_by_author_finds_open_posts(community, member, mentor):
    make_topic(member, community, title="Velocity charts")
    make_topic(mentor, community, title="Velocity traps")
    assert titles(search(member, "velocity", {"author": mentor.pk})) == ["Velocity traps"]


def test_filters_kind_label_tag_and_answered(community, member, mentor):
    question = make_question(member, community, title="Scope creep help", tags="scope")
    make_topic(member, community, title="Scope creep story", label="tip")
    actions.do_accept_answer(member, make_reply(mentor, question, body="No scope creep tips"))
    assert titles(search(member, "creep", {"kind": "discussion"})) == ["Scope creep story"]
    assert titles(search(member, "creep", {"label": "tip"})) == ["Scope creep story"]
    assert search(member, "creep", {"tag": "scope"}).total == 2  # question and its answer
    assert search(member, "creep", {"answered": False}).total == 0
    assert search(member, "creep", {"answered": True}).total == 2


def test_deleted_posts_leave_the_index(community, member, mentor):
    topic = make_topic(member, community, title="Hello")
    post = make_reply(mentor, topic, body="ephemeral remark")
    assert search(member, "ephemeral").total == 1
    actions.do_delete_post(mentor, post)
    assert search(member, "ephemeral").total == 0


def test_edits_are_searchable_at_once(community, member):
    post = make_topic(member, community, body="first wording").posts.get()
    actions.do_edit_post(member, post, body="second phrasing")
    assert search(member, "wording").total == 0
    assert search(member, "phrasing").total == 1


def test_italian_content_is_stemmed_in_italian(member):
    club = CommunityFactory(slug="it", languages=["it"])
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Gestione dei progetti", body="Parliamo delle riunioni.")
    assert Document.objects.get().config == "italian"
    assert search(member, "riunione").total == 1


def test_rebuild_indexes_everything_again(community, member, mentor):
    topic = make_topic(member, community, title="Rebuild me")
    make_reply(mentor, topic)
    Document.objects.all().delete()
    assert search(member, "rebuild").total == 0
    assert index.rebuild() == 2
    assert search(member, "rebuild").total == 1


def test_pagination_of_results(community, member):
    for n in range(5):
        make_topic(member, community, title=f"Meeting notes {n}")
    first = search(member, "meeting", limit=2)
    last = search(member, "meeting", limit=2, offset=4)
    assert first.total == 5 and len(first.items) == 2 and len(last.items) == 1


def test_snippets_are_escaped(community, member):
    make_topic(member, community, title="<b>bold</b> escape", body="`<script>alert(1)</script>` x")
    (result,) = search(member, "escape").items
    assert "<script>" not in result.snippet_html and "<b>" not in result.title_html
    assert str(highlighted("<i>\ue000x\ue001</i>")) == "&lt;i&gt;<mark>x</mark>&lt;/i&gt;"


# --- The page ------------------------------------------------------------------------


def test_search_page_shows_results(client, community, member):
    make_topic(member, community, title="Stakeholder map")
    response = client.get(reverse("search"), {"q": "stakeholder"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Stakeholder</mark> map" in text and "1 result" in text


def test_each_result_shows_its_kind_community_answer_author_and_day(
    client, community, member, mentor
):
    """In Italian, with the author's name escaped and the day in the reader's zone."""
    from datetime import UTC, datetime

    member.profile.display_name = "Mia <b>Bold</b>"
    member.profile.save()
    topic = make_question(member, community, title="Stima dei rischi")
    actions.do_accept_answer(member, make_reply(mentor, topic, body="Una matrice."))
    opening = Document.objects.filter(post__is_opening=True)
    opening.update(created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    text = client.get(reverse("search"), {"q": "rischi"}, HTTP_ACCEPT_LANGUAGE="it")
    text = text.content.decode()
    result = text[text.index('<ol class="search-results">') : text.index("</ol>")]
    assert result.count("<li>") == 1
    assert f'<a href="{topic.get_absolute_url()}#post-' in result
    assert "<strong>Stima dei <mark>rischi</mark></strong>" in result
    assert f'<span class="search-kind">Domanda</span> · {community.name} · Con risposta' in result
    assert "Mia &lt;b&gt;Bold&lt;/b&gt;" in result and "<b>" not in result
    # 23:30 UTC is already 2 March in Rome.
    assert '<time datetime="2026-03-02T00:30:00+01:00">02 Marzo 2026</time>' in result


def test_search_page_never_shows_private_content(client, member, outsider):
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Layoff rumours")
    client.force_login(outsider)
    text = client.get(reverse("search"), {"q": "layoff"}).content.decode()
    assert "Layoff" not in text and "0 results" in text


def test_search_page_without_query_and_with_bad_filters(client):
    assert client.get(reverse("search")).status_code == 200
    response = client.get(reverse("search"), {"q": "x", "since": "not-a-date"})
    assert response.status_code == 200


def test_search_page_queries_do_not_grow_with_results(client, community, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("search"), {"q": "sprint"})
        return len(context)

    queries()  # the counts that guide SQLite's plan are kept from here on
    make_topic(member, community, title="Sprint review", tags="agile")
    few = queries()
    for n in range(30):
        make_topic(member, community, title=f"Sprint review {n}", tags="agile")
    many = queries()
    # One fewer on SQLite: with a page of matches, the last word is not also a prefix.
    assert few - 1 <= many <= few, "search page: one query per result?"
    assert many <= 12


def test_the_database_has_its_full_text_index():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_vector_idx'"
            )
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_document_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()


def test_search_page_speaks_italian(client, community, member):
    make_topic(member, community, title="Mappa degli stakeholder")
    response = client.get(reverse("search"), {"q": "mappa"}, HTTP_ACCEPT_LANGUAGE="it")
    assert "1 risultato" in response.content.decode()


def test_turning_private_rescopes_the_documents_and_back(community, member, outsider):
    make_topic(member, community, title="Roadmap draft")
    community.visibility = Visibility.PRIVATE
    community.save()
    assert Document.objects.get().facets.startswith(f"scopec{community.pk} ")
    assert search(outsider, "roadmap").total == 0 and search(member, "roadmap").total == 1
    community.visibility = Visibility.PUBLIC
    community.save()
    assert search(outsider, "roadmap").total == 1


def test_date_filters(community, member):
    import datetime

    from django.utils import timezone

    topic = make_topic(member, community, title="Release calendar")
    old = timezone.now() - datetime.timedelta(days=30)
    Document.objects.filter(topic=topic).update(created_at=old)
    today = timezone.localdate()
    assert search(member, "calendar", {"since": today}).total == 0
    assert search(member, "calendar", {"until": today - datetime.timedelta(days=29)}).total == 1
    # The filters' dates are local ones: in the hour before midnight UTC, Rome's is the next.
    day = timezone.localtime(old).date()
    assert search(member, "calendar", {"since": day, "until": day}).total == 1


def test_group_filter_and_unknown_filters_find_nothing(community, member):
    from koinon.communities.tests.factories import GroupFactory

    group = GroupFactory(community=community, slug="pmo")
    make_topic(member, community, title="Portfolio review", group=group)
    make_topic(member, community, title="Portfolio party")
    assert titles(search(member, "portfolio", {"group": "pmo"})) == ["Portfolio review"]
    assert search(member, "portfolio", {"group": "nope"}).total == 0
    assert search(member, "portfolio", {"tag": "missing"}).total == 0
    assert search(member, "portfolio", {"community": "elsewhere"}).total == 0


def test_many_matches_are_capped_and_ranked_among_the_latest(community, member, monkeypatch):
    from koinon.search import query

    monkeypatch.setattr(query, "CANDIDATES", 3)
    for n in range(5):
        make_topic(member, community, title=f"Capacity plan {n}")
    results = search(member, "capacity")
    assert results.total == 3 and results.capped
    assert sorted(titles(results)) == ["Capacity plan 2", "Capacity plan 3", "Capacity plan 4"]


def test_moving_and_answering_update_the_facets(community, member, mentor, moderator):
    from koinon.communities.tests.factories import GroupFactory

    question = make_question(member, community, title="Vendor lock-in")
    answer = make_reply(mentor, question, body="Vendor lock-in is avoidable")
    actions.do_accept_answer(member, answer)
    assert search(member, "vendor", {"answered": True}).total == 2
    actions.do_delete_post(mentor, answer)
    assert search(member, "vendor", {"answered": True}).total == 0
    group = GroupFactory(community=community, slug="ops")
    actions.do_move_topic(moderator, question, group)
    assert search(member, "vendor", {"group": "ops"}).total == 1


@pytest.mark.parametrize("private_topics", [0, 30])
def test_ranking_keeps_to_what_the_reader_may_see(community, member, outsider, private_topics):
    """Ranked among the window's rows only, whether the policy leaves out few matches or
    most: only readable posts, best first, counted right."""
    club = CommunityFactory(slug="club", visibility=Visibility.PRIVATE)
    MembershipFactory(community=club, user=member)
    for n in range(private_topics):
        make_topic(member, club, title=f"Quokka secret {n}", body="quokka quokka")
    make_topic(member, community, title="Field notes", body="We saw a quokka once.")
    make_topic(member, community, title="Quokka habits", body="Small and friendly.")
    make_topic(member, community, title="Other notes", body="A quokka, again.")
    results = search(outsider, "quokka", limit=2)
    assert results.total == 3 and len(results.items) == 2
    assert results.items[0].topic_title == "Quokka habits"
    assert all(r.community_slug == "pm" for r in results.items)
    rest = search(outsider, "quokka", limit=2, offset=2)
    assert len(rest.items) == 1 and rest.items[0].community_slug == "pm"
    seen = {r.topic_title for r in results.items} | {rest.items[0].topic_title}
    assert seen == {"Field notes", "Quokka habits", "Other notes"}
    assert search(member, "quokka").total == 3 + private_topics


@pytest.mark.parametrize(("span_rows", "span_cost"), [(1, 0), (2, 800), (3, 10**9)])
def test_postgres_finds_the_same_latest_matches_span_by_span(
    community, member, outsider, monkeypatch, ranked_anew_on, span_rows, span_cost
):
    """Spans of 1 to 3 documents, read one by one to the oldest (`span_cost` 0), or
    until the words look too thin (10**9: after two spans): the same matches as one
    span holding every document."""
    from koinon.search import index, query
    from koinon.search.models import Document

    ranked_anew_on("postgresql")
    for n in range(6):
        make_topic(member, community, title=f"Kanban board {n}", body="Columns and limits.")
        make_topic(member, community, title=f"Retrospective {n}", body="Formats.")
    make_topic(member, community, title="Kanban", body="A board of the whole team.")

    def asked():
        return [search(outsider, "kanban board", window=w) for w in (3, 100)] + [
            search(outsider, "kanban board", limit=2, offset=2)
        ]

    monkeypatch.setattr(index, "SPAN_ROWS", 10**9)
    index._update_vector(Document.objects.all())
    expected = asked()
    monkeypatch.setattr(index, "SPAN_ROWS", span_rows)
    monkeypatch.setattr(query, "SPAN_COST_IN_MATCHES", span_cost)
    index._update_vector(Document.objects.all())
    found = asked()
    assert [(r.total, r.capped) for r in found] == [(3, True), (7, False), (7, False)]
    assert [(r.total, r.capped) for r in expected] == [(3, True), (7, False), (7, False)]
    for got, wanted in zip(found, expected, strict=True):
        assert [r.url for r in got.items] == [r.url for r in wanted.items]


def test_postgres_reads_a_newest_span_of_few_documents_with_the_one_before(
    community, member, outsider, monkeypatch, ranked_anew_on
):
    """A newest span holding a quarter of a span or less is read in one statement with
    the span before it: the same matches, one statement fewer."""
    from koinon.search import index, query
    from koinon.search.models import Document

    ranked_anew_on("postgresql")
    for n in range(5):
        make_topic(member, community, title=f"Kanban board {n}", body="Columns and limits.")
    expected = [r.url for r in search(outsider, "kanban board").items]
    newest = Document.objects.order_by("-pk").values_list("pk", flat=True).first()
    monkeypatch.setattr(index, "SPAN_ROWS", newest)  # the newest span holds it alone
    index._update_vector(Document.objects.all())
    read, ranked_rows = [], query._ranked_rows

    def counted(statement, count, slots):
        read.append(slots.get(query._ANY_SPAN))
        return ranked_rows(statement, count, slots)

    monkeypatch.setattr(query, "_ranked_rows", counted)
    assert [r.url for r in search(outsider, "kanban board").items] == expected
    assert len(read) == 1, read
    assert " e1'" in read[0] and " e0'" in read[0]


def test_postgres_span_words_match_no_text(community, member, outsider, ranked_anew_on):
    """A span word holds a space, which no text or query makes: the document's own
    span word, asked for as text, finds nothing."""
    from django.db import connection

    ranked_anew_on("postgresql")
    make_topic(member, community, title="Kanban board", body="Columns and limits.")
    assert search(outsider, "kanban").total == 1
    document = Document.objects.get()
    suffix = index.span_suffix(document.config, document.pk // index.SPAN_ROWS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM search_document, unnest(vector)")
        lexemes = {lexeme for (lexeme,) in cursor.fetchall()}
    assert f"kanban {suffix}" in lexemes
    for text in (f"kanban {suffix}", f'"kanban {suffix}"', f"kanban~{suffix}", suffix, "~"):
        assert search(outsider, text).total == 0, text


def test_postgres_span_words_keep_phrases_negations_and_languages(
    community, member, outsider, ranked_anew_on
):
    """Span words hold no positions, and a negation is the absence of a word: the
    results are those of the query itself. Each language's words are its own."""
    ranked_anew_on("postgresql")
    make_topic(member, community, title="Board of the kanban", body="Columns.")
    make_topic(member, community, title="Kanban board", body="Limits.")
    club = CommunityFactory(slug="club", languages=["it"])
    MembershipFactory(community=club, user=member)
    make_topic(member, club, title="Riunioni inutili", body="Una riunione al giorno.")
    assert titles(search(outsider, '"kanban board"')) == ["Kanban board"]
    assert titles(search(outsider, "board -limits")) == ["Board of the kanban"]
    assert titles(search(member, "riunione")) == ["Riunioni inutili"]
    assert search(member, "riunioni board").total == 0  # no text holds both


@pytest.mark.parametrize(
    ("printed", "form"),
    [
        ("'estim' & 'custom'", ("'estim \x00' & 'custom \x00'", False)),
        ("'lesson' <-> 'learn'", ("'lesson \x00' & 'learn \x00'", True)),
        ("'it''s' | 'a<->b'", ("'it''s \x00' | 'a<->b \x00'", False)),
        ("'board' & !'limit'", None),
        ("'board':*", None),
        ("", ("", False)),
    ],
)
def test_a_printed_tsquery_in_span_words(printed, form):
    from koinon.search.query import _span_form

    assert _span_form(printed) == form


def test_sqlite_ranks_without_words_far_more_common_than_the_rarest(
    community, member, outsider, ranked_anew_on, monkeypatch
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from koinon.search import query

    ranked_anew_on("sqlite")
    cache.clear()
    monkeypatch.setattr(query, "COMMON_RATIO", 3)
    monkeypatch.setattr(query, "COMMON_SHARE", 2.0)  # no word is too common to weigh
    monkeypatch.setattr(query, "WHOLE_WORDS_ENOUGH", 1)  # the last word whole, no prefix
    for n in range(6):
        make_topic(member, community, title=f"Weekly meeting {n}", body="Agenda.")
    make_topic(member, community, title="Budget", body="The budget meeting, budget first.")
    make_topic(member, community, title="Meeting notes", body="One budget line.")

    def ranking_queries(text):
        with CaptureQueriesContext(connection) as queries:
            results = search(outsider, text)
        ranking = [q["sql"] for q in queries if "ORDER BY bm25" in q["sql"]]
        counts = [q["sql"] for q in queries if "SELECT count(*)" in q["sql"]]
        return results, ranking, counts

    # "meeting" is in 8 rows, "budget" in 2: "meeting" is left out of the ranking.
    results, ranking, counts = ranking_queries("budget meeting")
    assert titles(results) == ["Budget", "Meeting notes"]
    assert len(ranking) == 1 and '"budget"' in ranking[0] and '"meeting"' not in ranking[0]
    assert len(counts) == 2  # each word's rows, counted once...
    _results, _ranking, counts = ranking_queries("meeting budget")
    assert counts == []  # ...and kept
    # Words about as common as each other, or a word alone, are all ranked on.
    monkeypatch.setattr(query, "COMMON_RATIO", 5)
    results, ranking, _counts = ranking_queries("budget meeting")
    assert '"budget"' in ranking[0] and '"meeting"' in ranking[0]
    results, ranking, counts = ranking_queries("meeting")
    assert results.total == 8 and '"meeting"' in ranking[0] and counts == []
    # In more than half the rows (8 of 8, against "budget"'s 2): too common to weigh.
    monkeypatch.setattr(query, "COMMON_SHARE", 0.5)
    results, ranking, _counts = ranking_queries("budget meeting")
    assert '"budget"' in ranking[0] and '"meeting"' not in ranking[0]
    assert titles(results) == ["Budget", "Meeting notes"]


@pytest.mark.parametrize("public_topics", [1, 6])
@pytest.mark.parametrize("max_closed", [100, 1])
def test_sqlite_policy_leaves_out_closed_communities_or_keeps_to_readable_ones(
    community, member, outsider, ranked_anew_on, monkeypatch, public_topics, max_closed
):
    """With more public rows than private ones, SQLite's match names the communities
    the reader may not read (when they are few); otherwise those they may. Either way,
    the same results, and a private community made after the counts were kept is left
    out too."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from koinon.search import query

    ranked_anew_on("sqlite")
    monkeypatch.setattr(query, "MAX_CLOSED", max_closed)
    club, guild = (
        CommunityFactory(slug=slug, visibility=Visibility.PRIVATE) for slug in ("club", "guild")
    )
    MembershipFactory(community=club, user=member)
    for n in range(public_topics):
        make_topic(member, community, title=f"Wombat walk {n}", body="Public.")
    for place in (club, guild, guild):
        author = MembershipFactory(community=place).user
        make_topic(author, place, title=f"Wombat in {place.slug}", body="Private.")
    cache.clear()
    query._rows_by_community()  # kept: 1 or 6 public rows against 3 private ones
    secret = CommunityFactory(slug="secret", visibility=Visibility.SECRET)
    make_topic(MembershipFactory(community=secret).user, secret, title="Wombat secret")

    def found(user):
        with CaptureQueriesContext(connection) as queries:
            results = search(user, "wombat")
        window = next(q["sql"] for q in queries if "rowid DESC" in q["sql"])
        return sorted(r.community_slug for r in results.items), results.total, window

    slugs, total, window = found(outsider)
    assert slugs == ["pm"] * public_topics and total == public_topics
    # Closed to the outsider: club, guild (3 rows) and secret; to the member: 2 rows.
    assert ("NOT facets" in window) == (public_topics >= 3 and max_closed >= 3)
    slugs, total, window = found(member)
    assert slugs == ["club"] + ["pm"] * public_topics and total == public_topics + 1
    assert ("NOT facets" in window) == (max_closed >= 2)


def test_sqlite_takes_the_last_word_whole_when_it_alone_finds_enough(
    community, member, outsider, ranked_anew_on, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from koinon.search import query

    ranked_anew_on("sqlite")
    for n in range(3):
        make_topic(member, community, title=f"Kanban board {n}", body="Columns.")
    make_topic(member, community, title="Kanbanflow for the backlog", body="Cards.")
    with CaptureQueriesContext(connection) as queries:
        whole = search(outsider, "kanban", window=2)
    assert (whole.total, whole.capped) == (2, True)
    assert not any('"kanban"*' in q["sql"] or '"kanban"*' in str(q) for q in queries)
    # Enough matches whole (here 3): the prefix is not asked, even below a window.
    monkeypatch.setattr(query, "WHOLE_WORDS_ENOUGH", 3)
    with CaptureQueriesContext(connection) as queries:
        assert search(outsider, "kanban", window=5).total == 3
    assert not any('"kanban"*' in str(q) for q in queries)
    # Too few matches whole: the last word is a prefix, as typed so far.
    monkeypatch.setattr(query, "WHOLE_WORDS_ENOUGH", 4)
    assert search(outsider, "kanban", window=5).total == 4
    assert search(outsider, "kanb").total == 4


def test_results_name_their_authors_as_every_page_does(community, member, outsider):
    """The name read with the results, in their one query: chosen, else the address's
    first part; "Former member" once erased."""
    from django.utils import timezone

    make_topic(member, community, title="Named author")
    member.profile.display_name = "Mia Chosen"
    member.profile.save()
    assert search(outsider, "named").items[0].author_name == "Mia Chosen"
    member.profile.display_name = ""
    member.profile.save()
    assert search(outsider, "named").items[0].author_name == member.email.split("@")[0]
    member.erased_at = timezone.now()
    member.save()
    assert search(outsider, "named").items[0].author_name == "Former member"


def test_postgres_never_walks_the_primary_key_for_a_few_latest_matches(
    community, member, outsider, ranked_anew_on
):
    """Asked for a few rows, PostgreSQL would walk the primary key backwards testing
    each vector (it cannot tell how rare span words are): over 100 ms at 1M. The
    statement's order is one no index gives."""
    from django.db import connection

    ranked_anew_on("postgresql")
    for n in range(3):
        make_topic(member, community, title=f"Kanban board {n}", body="Columns and limits.")
    ranking = []

    def keep_ranking(execute, sql, params, many, context):
        if "ts_rank" in sql:
            ranking.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep_ranking):
        assert search(outsider, "kanban board", limit=2).total == 3
    assert ranking
    with connection.cursor() as cursor:
        # As at 1M, where a table scan, or a sort of many rows, costs.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
        for sql, params in ranking:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Scan Backward" not in plan, plan


def test_the_results_are_read_with_their_highlights(community, member, outsider):
    """One statement for the page's highlights and all its results show; a search
    asked again reads only the latter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_topic(member, community, title="Sailboat retro", body="Wind and anchors.")
    for highlights in (True, False):
        with CaptureQueriesContext(connection) as context:
            found = search(outsider, "sailboat")
        reads = [q["sql"] for q in context.captured_queries if "accounts_profile" in q["sql"]]
        assert len(reads) == 1
        assert ("ts_headline(" in reads[0] or "highlight(" in reads[0]) is highlights
        assert found.items[0].author_name == member.display_name
        assert found.items[0].community_name == community.name
        assert found.items[0].title_html == "<mark>Sailboat</mark> retro"


def test_results_are_read_as_the_orm_would(community, anonymous_ok, member, mentor):
    """The results' statement, written out (prepared on PostgreSQL), reads what the ORM's
    `values(*RESULT_FIELDS)` does: a named author, an anonymous one, a member erased
    since, times in the same zone."""
    from django.utils import timezone

    from koinon.search import query

    topic = make_topic(member, community, title="Retro formats", body="Sailboat.")
    make_reply(mentor, topic, body="Starfish.")
    actions.do_create_topic(member, community, title="Afraid", body="?", is_anonymous=True)
    mentor.erased_at = timezone.now()
    mentor.save()
    ids = list(Document.objects.values_list("id", flat=True))
    expected = list(Document.objects.filter(id__in=ids).values(*query.RESULT_FIELDS))
    found = sorted(query._result_rows(ids), key=lambda row: row["id"])
    expected.sort(key=lambda row: row["id"])
    assert found == expected
    assert [{k: type(v) for k, v in row.items()} for row in found] == [
        {k: type(v) for k, v in row.items()} for row in expected
    ]
    assert len(found) == 3
