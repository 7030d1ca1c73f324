"""One search function, two backends: SQLite FTS5 and PostgreSQL full-text search.

Both return the same results: posts and other content (practices, ideas, events...)
the person may read, best first, with the
matching words highlighted. What may be read is decided by the policy before
ranking, so hidden content never reaches a result, a count or a snippet.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from koinon.accounts.models import name_to_show
from koinon.communities.models import Community, Visibility
from koinon.communities.policy import member_communities_subquery
from koinon.discussions.models import TopicKind
from koinon.discussions.policy import ANONYMOUS_LABEL
from koinon.lib import cache_reads, generations
from koinon.lib.prepared import prepared_cursor
from koinon.lib.urls import kept_reverse
from koinon.search import index, kinds
from koinon.search.index import POST_KIND, PUBLIC_SCOPE, kind_facet
from koinon.search.models import Document

START, STOP = "\ue000", "\ue001"  # private-use marks, replaced by <mark> after escaping
MAX_TERMS = 12
# The latest matches a search ranks, so a common word costs no more than a rare one
# (vBulletin returns 500 results at most by default). 1000 cost 10 to 20 % more time a
# search page at 1M posts on SQLite, and about 6 % on PostgreSQL.
CANDIDATES = 500
WHOLE_WORDS_ENOUGH = 20  # matches of the last word whole that make a prefix pointless
SIMILAR_WINDOW = 500  # suggestions: the best five among the latest 500 matching topics
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Result:
    url: str
    topic_title: str
    title_html: str
    snippet_html: str
    community_name: str
    community_slug: str
    kind: str
    is_answered: bool
    author_name: str
    created_at: datetime
    is_opening: bool
    # The "kind" filter's value for this result: "discussions", "practices"...
    content_kind: str = "discussions"


@dataclass
class Results:
    query: str
    total: int = 0
    capped: bool = False
    items: list[Result] = field(default_factory=list)


def search(
    user,
    query: str,
    filters: dict | None = None,
    *,
    limit=20,
    offset=0,
    any_word=False,
    window=None,
) -> Results:
    """Posts matching `query` that `user` may read, best first.

    Every word must match, unless `any_word`: then the distinctive words of `query`
    (no short or very common ones) are enough, ranked by how many and how rare.
    Ranking looks at the most recent `window` matches, so a common word costs
    no more than a rare one; beyond that the total is reported as capped.
    """
    query = (query or "").strip()
    window = window or CANDIDATES
    results = Results(query=query)
    terms = distinctive_terms(query) if any_word else WORD.findall(query)
    if not terms:
        return results
    allowed = readable_communities(user)
    any_of = terms if any_word else None
    count, hits, rows = _kept_hits((allowed, query, any_of, filters or {}, limit, offset, window))
    results.total, results.capped = min(count, window), count > window
    results.items = _results(hits, allowed, rows)
    return results


def _hits(allowed, query, any_of, filters, limit, offset, window) -> tuple[int, list, dict]:
    """How many match, and the page asked for, best first: (id, title, snippet) each,
    with the matching words marked; and what the page's results show, when read with
    them ({id: row of RESULT_FIELDS}; {} when not)."""
    if connection.vendor == "postgresql":
        count, ranked, printed = _postgres(allowed, query, any_of, filters, limit, offset, window)
        return count, *(_postgres_hits(printed, ranked) if ranked else ([], {}))
    count, ranked, words = _sqlite(allowed, query, any_of, filters, limit, offset, window)
    return count, *(_sqlite_hits(words, ranked) if ranked else ([], {}))


def _kept_hits(asked: tuple) -> tuple[int, list, dict]:
    """`_hits(*asked)`, kept for whoever asks the same search of the same communities,
    until the index changes (any write to it) or `SEARCH_CACHE_SECONDS` pass.

    What a result shows besides its marked words (its title, author, community) is not
    kept: it is read afresh each time, and a document deleted, hidden or in a community
    closed to the reader since is not shown (`_results`).
    """
    seconds = settings.SEARCH_CACHE_SECONDS
    if not seconds:
        return _hits(*asked)
    allowed, *rest = asked
    signature = repr((connection.vendor, sorted(allowed.items()), rest))
    key = "search:ranked:" + hashlib.sha256(signature.encode()).hexdigest()
    generation, kept = generations.kept(index.GENERATION_KEY, key)
    if kept is not None:
        return *kept, {}
    count, hits, rows = _hits(*asked)
    generations.keep(key, generation, (count, hits), seconds)
    return count, hits, rows


READABLE_GENERATION_KEY = "search:readable-generation"


def readable_communities(user) -> dict[int, str]:
    """{community id: visibility} of the communities whose content `user` may read:
    the public ones and their own (as `content_communities_for`, without its join of
    every membership).

    Kept for each reader, as kept searches are, until any community or membership
    changes (`forget_readable_communities`).
    """
    return _kept_while_readable(_readable_key(user), lambda: _readable(user))


def _readable_key(user) -> str:
    reader = user.pk if getattr(user, "is_authenticated", False) else "anonymous"
    return f"search:readable:{reader}"


def kept_keys(user) -> list[str]:
    """The cache keys a search by `user` reads first, for a page to read with its own
    (koinon.lib.cache_reads)."""
    counts = [ROWS_BY_COMMUNITY_KEY] if connection.vendor == "sqlite" else []
    if not settings.SEARCH_CACHE_SECONDS:
        return counts
    return [READABLE_GENERATION_KEY, _readable_key(user), index.GENERATION_KEY, *counts]


def _kept_while_readable(key: str, compute):
    """`compute()`, kept under `key` until any community or membership changes (or
    `SEARCH_CACHE_SECONDS` pass)."""
    seconds = settings.SEARCH_CACHE_SECONDS
    if not seconds:
        return compute()
    generation, kept = generations.kept(READABLE_GENERATION_KEY, key)
    if kept is None:
        kept = compute()
        generations.keep(key, generation, kept, seconds)
    return kept


def forget_readable_communities() -> None:
    """A community or a membership changed: every reader's communities are read again."""
    generations.bump(READABLE_GENERATION_KEY)


def _readable(user) -> dict[int, str]:
    readable = Q(visibility=Visibility.PUBLIC) | Q(pk__in=member_communities_subquery(user))
    return dict(Community.objects.filter(readable).values_list("pk", "visibility"))


def similar_topics(user, text: str, community=None, limit=5) -> list:
    """Topics whose title or opening post share distinctive words with `text`."""
    filters = {"opening": True}
    if community is not None:
        filters["community"] = community.slug
    return search(user, text, filters, limit=limit, any_word=True, window=SIMILAR_WINDOW).items


# Words too common to say two topics are alike (Italian and English).
_COMMON = """
    come cosa quale quali quando dove perché perche sono essere fare fatto questo questa
    questi queste quello quella anche ancora senza sempre molto tutti tutto della delle
    degli dello nella nelle negli sulla sulle dalla dalle alla alle allo agli voglio
    about after also been being could does doing from have into just like more most much
    only other over same should some such than that their them then there these they this
    those what when where which while with would your
"""
COMMON_WORDS = set(_COMMON.split())


def distinctive_terms(text: str) -> list[str]:
    words = [w for w in WORD.findall(text.lower()) if len(w) > 3 and w not in COMMON_WORDS]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _filtered(docs, filters: dict):
    if filters.get("opening"):
        # Only a topic's opening post carries its title: no join to the posts.
        docs = docs.filter(kind=POST_KIND).exclude(title="")
    if filters.get("community"):
        docs = docs.filter(community__slug=filters["community"])
    if filters.get("group"):
        docs = docs.filter(Q(topic__group__slug=filters["group"]) | Q(group__slug=filters["group"]))
    if filters.get("kind"):
        docs = _of_kind(docs, filters["kind"])
    if filters.get("label"):
        docs = docs.filter(topic__label=filters["label"])
    if filters.get("tag"):
        docs = docs.filter(topic__tags__name=filters["tag"])
    if filters.get("author"):
        docs = docs.filter(author_id=filters["author"])
    if filters.get("since"):
        docs = docs.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        docs = docs.filter(created_at__date__lte=filters["until"])
    answered = filters.get("answered")
    if answered in (True, False):
        docs = docs.filter(topic__kind="question", topic__accepted_answer__isnull=not answered)
    return docs


def _of_kind(docs, value):
    if value in kinds.TOPIC_KINDS:
        return docs.filter(kind=POST_KIND, topic__kind=value)
    kind = kinds.by_value(value)
    return docs.filter(kind=kind.model) if kind else docs.none()


def _kind_words(value) -> list[str]:
    if value in kinds.TOPIC_KINDS:
        return [f"kind{value}"]
    kind = kinds.by_value(value)
    if kind is None:
        return []
    if kind.model == POST_KIND:
        return [f"kind{topic_kind}" for topic_kind in kinds.TOPIC_KINDS]
    return [kind_facet(kind.model)]


# --- SQLite: FTS5 ---------------------------------------------------------------------


def fts_match(query: str, any_of: list[str] | None = None, prefix=True) -> str:
    """The words of `query` as an FTS5 expression: every word, the last one as a prefix
    (unless not `prefix`).

    With `any_of`, those words joined by OR instead.
    """
    if any_of:
        return " OR ".join(f'"{t}"' for t in any_of)
    terms = WORD.findall(query.lower())[:MAX_TERMS]
    parts = [f'"{t}"' for t in terms]
    if prefix and len(terms[-1]) >= 3:
        parts[-1] += "*"
    return " ".join(parts)


FTS_TABLE = "search_document_fts"
FTS_HIGHLIGHTS = (
    "highlight(search_document_fts, 0, %s, %s), snippet(search_document_fts, 1, %s, %s, '…', 24)"
)
FTS_RANK = "bm25(search_document_fts, 10.0, 1.0, 0.0)"


def _sqlite(allowed, query, any_of, filters, limit, offset, window):
    """FTS5 answers the words, the policy and the filters from its posting lists.

    First the latest `window` matches (their count, and the oldest of them as a floor),
    then bm25 ranks the window's rows (`_ranked`; the shown page gets its highlights
    from `_sqlite_hits`). bm25 weighs every phrase of its query by how many rows hold
    it, in the whole table: ranked with the policy's "scopepublic" (most rows), each
    search would read that whole posting list. The facets weigh nothing in the rank,
    so ranking needs only the words.

    The last word is taken whole first. A prefix is for a word still being typed or cut
    short ("kanb"), which finds few matches whole: when the whole words find a page of
    results (`WHOLE_WORDS_ENOUGH`), they are the ones to rank, and FTS5 need not merge
    the posting lists of every word the last one begins (6 to 10 times the reading for
    a common one), nor read the words' posting lists a second time.
    Returns the count, the page, and the words it matched (for the highlights).
    """
    facets = _facet_expression(allowed, filters)
    if facets is None:
        return 0, [], ""
    required, excluded = facets
    whole, prefix = fts_match(query, any_of, prefix=False), fts_match(query, any_of)
    with connection.cursor() as cursor:
        for phrases in dict.fromkeys([whole, prefix]):
            words = _in_text(phrases)
            match = " AND ".join(filter(None, [words, required]))
            if excluded:
                match = f"({match}) NOT {excluded}"
            source, where, params = _fts_source(match, filters)
            cursor.execute(
                f"SELECT {FTS_TABLE}.rowid FROM {source} WHERE {where}"  # noqa: S608
                f" ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s",
                [*params, window + 1],
            )
            latest = [row[0] for row in cursor.fetchall()]
            if len(latest) >= min(WHOLE_WORDS_ENOUGH, window + 1):
                break
        if not latest:
            return 0, [], words
        ranked = _ranked(cursor, phrases, any_of, latest[:window], limit + offset)
    return len(latest), ranked[offset:], words


def _in_text(phrases: str) -> str:
    """FTS5 `phrases` looked for in the title and body, not in the facets."""
    return f"{{title body}} : ({phrases})"


def _sqlite_hits(words, ranked) -> tuple[list[tuple], dict]:
    """(id, highlighted title, snippet) of the `ranked` documents still indexed, and
    what their results show ({id: row of RESULT_FIELDS}), in one statement.

    Highlights only for the page shown: made in the ranking query, they would be made
    for every row of the window before the sort. "+rowid IN" filters the range as FTS5
    reads it; a plain "rowid IN" would restart the match per row.
    """
    marks = ", ".join(["%s"] * len(ranked))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_RESULT_COLUMNS}, {FTS_HIGHLIGHTS} FROM {FTS_TABLE}"  # noqa: S608
            f" JOIN search_document d ON d.id = {FTS_TABLE}.rowid {_RESULT_JOINS}"
            f" WHERE {FTS_TABLE} MATCH %s"
            f" AND {FTS_TABLE}.rowid >= %s AND +{FTS_TABLE}.rowid IN ({marks})",
            [START, STOP, START, STOP, words, min(ranked), *ranked],
        )
        found = {row[0]: _in_time_zone(row) for row in cursor.fetchall()}
    return _hits_and_rows(ranked, found)


def _hits_and_rows(ranked, found: dict) -> tuple[list[tuple], dict]:
    """`found` ({id: RESULT_FIELDS' values, then the title's and the body's
    highlights}) as hits, best first, and rows of RESULT_FIELDS."""
    hits = [(pk, *found[pk][-2:]) for pk in ranked if pk in found]
    rows = {pk: dict(zip(RESULT_FIELDS, row[:-2], strict=True)) for pk, row in found.items()}
    return hits, rows


def _ranked(cursor, phrases, any_of, kept, count) -> list[int]:
    """The best `count` rows of `kept` (the window), by bm25.

    bm25 is computed for the window's rows only ("+rowid IN" filters the words' rows
    from the window's floor as FTS5 reads them). Its weight for each word counts the
    word's rows in the whole table: for a word in a tenth of them, more than the rest of
    the search. So, when every word must match, a word found `COMMON_RATIO` times as
    often as the rarest is left out of the ranking: every row of the window holds it,
    and its weight is a fraction of the rarest word's. So is any word but the rarest
    in more than `COMMON_SHARE` of all rows: the weights of such words are all low and
    alike (bm25's weight of a word in 5 % of the rows is ln 19, about 2.9; in 20 %,
    ln 4), and the rarest alone orders the window much as they all would.
    """
    if not any_of:
        phrases = _weighty(cursor, phrases.split(" "))
    cursor.execute(
        f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        f" AND {FTS_TABLE}.rowid >= %s"
        f" AND +{FTS_TABLE}.rowid IN (SELECT value FROM json_each(%s))"
        f" ORDER BY {FTS_RANK} LIMIT %s",
        [_in_text(phrases), kept[-1], json.dumps(kept), count],
    )
    return [pk for (pk,) in cursor.fetchall()]


COMMON_RATIO = 10  # a word this many times as common as the rarest weighs little
COMMON_SHARE = 0.05  # a word in this share of all rows weighs little
COUNT_SECONDS = 24 * 3600  # how long a word's count of rows is kept: it only guides


def _weighty(cursor, phrases: list[str]) -> str:
    """`phrases` without the rarest's far more common ones (`_ranked`)."""
    if len(phrases) < 2:
        return phrases[0]
    counts = _row_counts(cursor, phrases)
    rarest = min(phrases, key=counts.get)
    all_rows = sum(_rows_by_community().values())
    limit = min(counts[rarest] * COMMON_RATIO, max(all_rows * COMMON_SHARE, 1))
    return " ".join(p for p in phrases if p == rarest or counts[p] < limit)


def _row_counts(cursor, phrases) -> dict[str, int]:
    """How many rows hold each of `phrases`, kept for `COUNT_SECONDS`."""
    keys = {p: "search:rows:" + hashlib.sha256(p.encode()).hexdigest() for p in phrases}
    found = cache.get_many(list(keys.values()))
    counted = {}
    for phrase, key in keys.items():
        if key not in found:
            cursor.execute(
                f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                [_in_text(phrase)],
            )
            found[key] = counted[key] = cursor.fetchone()[0]
    if counted:
        cache.set_many(counted, COUNT_SECONDS)
    return {phrase: found[key] for phrase, key in keys.items()}


def _fts_source(match, filters):
    """FROM and WHERE: the FTS table alone, or joined to the rows for dates."""
    source, where, params = FTS_TABLE, f"{FTS_TABLE} MATCH %s", [match]
    if filters.get("since") or filters.get("until"):
        source += f" JOIN search_document d ON d.id = {FTS_TABLE}.rowid"
        for name, op, days in (("since", ">=", 0), ("until", "<", 1)):
            if filters.get(name):
                moment = datetime.combine(filters[name] + timedelta(days=days), time.min)
                moment = timezone.make_aware(moment)
                where += f" AND d.created_at {op} %s"
                params.append(connection.ops.adapt_datetimefield_value(moment))
    return source, where, params


def _facet_expression(allowed, filters) -> tuple[str, str] | None:
    """`facets : …` terms for the policy and each filter: those a match must carry, and
    those it must not (empty strings when none); None when nothing can match."""
    readable, closed = _scope_words(allowed)
    terms = [readable] if readable else []
    for words in _filter_words(allowed, filters):
        if not words:
            return None
        terms.append(words)
    required = " AND ".join(f"facets : ({_any_of(words)})" for words in terms)
    return required, f"facets : ({_any_of(closed)})" if closed else ""


def _any_of(words) -> str:
    return " OR ".join(f'"{w}"' for w in words)


MAX_CLOSED = 100  # communities the policy may leave out by name (see `_scope_words`)


def _scope_words(allowed) -> tuple[list[str], list[str]]:
    """The policy as scope words: a match must carry one of the first list, or none of
    the second (the other one is empty).

    FTS5 reads a scope's posting list as it intersects it with the words: "scopepublic"
    is in most rows, and intersected with two words found together in a few hundred
    rows, its reading was most of the search's (11 to 16 ms at 1M). So when the
    communities the reader may not read hold fewer rows than those they may (from
    counts kept a day: they only guide), the match leaves those out instead: usually
    a few private communities, and none at all for a member of every one.
    """
    readable = [PUBLIC_SCOPE] + [
        f"scopec{pk}" for pk, visibility in allowed.items() if visibility != Visibility.PUBLIC
    ]
    rows = _rows_by_community()
    if 2 * sum(rows.get(pk, 0) for pk in allowed) < sum(rows.values()):
        return readable, []
    closed = _kept_while_readable(
        "search:closed:" + hashlib.sha256(repr(sorted(allowed)).encode()).hexdigest(),
        lambda: _closed(allowed),
    )
    if len(closed) > MAX_CLOSED:
        return readable, []
    return [], [f"scopec{pk}" for pk in closed]


def _closed(allowed) -> list[int]:
    """The communities whose content the reader of `allowed` may not read (up to one
    more than `MAX_CLOSED`)."""
    closed = Community.objects.exclude(visibility=Visibility.PUBLIC).exclude(pk__in=list(allowed))
    return list(closed.values_list("pk", flat=True)[: MAX_CLOSED + 1])


def _rows_by_community() -> dict[int, int]:
    """{community id: its documents}, kept for `COUNT_SECONDS`."""

    def count():
        return dict(Document.objects.values_list("community_id").annotate(n=Count("id")).order_by())

    return cache_reads.get_or_set(ROWS_BY_COMMUNITY_KEY, count, COUNT_SECONDS)


ROWS_BY_COMMUNITY_KEY = "search:rows-by-community"


def _filter_words(allowed, filters):
    """For each filter, the facet words any of which a document must carry."""
    from koinon.communities.models import Group
    from koinon.discussions.models import Label, Tag

    if filters.get("community"):
        found = Community.objects.filter(slug=filters["community"], pk__in=list(allowed))
        yield [f"comm{pk}" for pk in found.values_list("pk", flat=True)]
    if filters.get("group"):
        groups = Group.objects.filter(slug=filters["group"], community_id__in=list(allowed))
        yield [f"group{pk}" for pk in groups.values_list("pk", flat=True)]
    if filters.get("kind"):
        yield _kind_words(filters["kind"])
    if filters.get("label"):
        yield [f"label{filters['label']}"] if filters["label"] in Label.values else []
    if filters.get("tag"):
        tags = Tag.objects.filter(name=filters["tag"]).values_list("pk", flat=True)
        yield [f"tag{pk}" for pk in tags]
    if filters.get("author"):
        yield [f"author{int(filters['author'])}"]
    if filters.get("answered") in (True, False):
        yield ["answeredyes" if filters["answered"] else "answeredno"]
    if filters.get("opening"):
        yield ["opening"]


# --- PostgreSQL: tsvector, websearch_to_tsquery, ts_rank, ts_headline ---------------


def _tsquery_sql(query, any_of, cfg) -> tuple[str, list]:
    """The tsquery of `query` (or of any of the words `any_of`) as `cfg` reads it."""
    if not any_of:
        return "websearch_to_tsquery(%s::regconfig, %s)", [cfg, query]
    parts = " || ".join(["plainto_tsquery(%s::regconfig, %s)"] * len(any_of))
    return f"({parts})", [value for term in any_of for value in (cfg, term)]


CONFIGS = ("italian", "english")


def _postgres(allowed, query, any_of, filters, limit, offset, window):
    """The latest `window` matches, counted (up to `window` + 1) and ranked: the page
    asked for.

    Every document's vector also holds its words as span words (koinon.search.index):
    the GIN index answers "the words, in this span" from their short lists in that
    span (0.3 ms for two words found together 500 times in a span of 20,000, where
    the words alone cost 16 ms over 1M documents, and the words beside a mark of the
    span 2.3 ms: GIN read every document of the span). So the newest spans are read
    first, one by one, until they hold a window of matches. Words too thin there for
    that (`_too_thin`), or a query span words cannot answer (`_span_form`), are looked
    up over the older documents at once: their lists are short. Only the window's rows
    are ranked.

    Returns the count, the page, and the query as each configuration reads it, printed
    ({config: tsquery}, for the highlights).
    """
    newest, *texts = _newest_and_printed(query, any_of)
    printed = dict(zip(CONFIGS, texts, strict=True))
    if not any(texts):
        return 0, [], printed  # stop words only
    forms = {cfg: _span_form(text) for cfg, text in printed.items()}
    phrase = any(form and form[1] for form in forms.values())
    statements = _statements(allowed, filters, phrase)
    slots = {_printed(cfg): text for cfg, text in printed.items()}
    rows, span = [], newest // index.SPAN_ROWS
    if None in forms.values():  # a negation, say: span words cannot answer it
        rows, span = _ranked_rows(statements["all"], window + 1, slots), -1
    else:
        span_forms = {cfg: form for cfg, (form, _phrase) in forms.items() if form}
        spans = _first_spans(newest)
        while span >= 0 and len(rows) <= window and not _too_thin(len(rows), newest, span, window):
            slots[_ANY_SPAN] = " | ".join(_in_span(span_forms, s) for s in spans)
            rows += _ranked_rows(statements["span"], window + 1 - len(rows), slots)
            span -= len(spans)
            spans = [span]
    if span >= 0 and len(rows) <= window:
        slots[_OLDER_THAN] = (span + 1) * index.SPAN_ROWS
        rows += _ranked_rows(statements["older"], window + 1 - len(rows), slots)
    latest = sorted(rows, reverse=True)[:window]  # newest first: (id, rank)
    latest.sort(key=lambda row: (row[1], row[0]), reverse=True)
    return len(rows), [pk for pk, _rank in latest[offset : offset + limit]], printed


# Where the statements made once for each shape of search (`_statements`) take what
# each search gives: its tsquery as each configuration reads it, printed; its span's
# tsquery; the oldest span read. Given printed, a tsquery is not made again from the
# query for every row on a generic plan (the results' statement runs on one: it made
# it for each row's two headlines; ranking 2000 rows so took 11.5 ms, against 2 ms).
# No text a search is given holds a NUL (forms and the API refuse it).
_ANY_SPAN, _OLDER_THAN = "\x00span\x00", "\x00older\x00"


def _printed(cfg: str) -> str:
    return f"\x00printed {cfg}\x00"


_SHAPES: dict[str, dict] = {}
MAX_SHAPES = 500


def _statements(allowed, filters, phrase: bool) -> dict:
    """The ranking statements of a search of `allowed`'s communities with `filters`,
    maybe of a phrase: made by the ORM once per process (0.3 to 0.5 ms each), filled in
    by `_ranked_rows`.

    "all" ranks every match; "span" those of a span (its tsquery of span words given
    as `_ANY_SPAN`); "older" every match older than `_OLDER_THAN`."""
    shape = repr((sorted(allowed), sorted(filters.items()), phrase))
    statements = _SHAPES.get(shape)
    if statements is None:
        if len(_SHAPES) >= MAX_SHAPES:
            _SHAPES.clear()
        statements = _SHAPES[shape] = _made_statements(allowed, filters, phrase)
    return statements


def _made_statements(allowed, filters, phrase: bool) -> dict:
    docs = _filtered(Document.objects.filter(community_id__in=list(allowed)), filters)
    italian, english = GivenQuery(_printed("italian")), GivenQuery(_printed("english"))
    matching = docs.filter(
        Q(config="italian", vector=italian) | (~Q(config="italian") & Q(vector=english))
    )
    in_span = docs.filter(vector=GivenQuery(_ANY_SPAN))
    if phrase:
        in_span = in_span & matching  # span words hold no positions
    older = matching.filter(id__lt=RawSQL("%s", [_OLDER_THAN]))
    return {
        name: _ranked_statement(matches)
        for name, matches in (("all", matching), ("span", in_span), ("older", older))
    }


def _newest_and_printed(query, any_of) -> list:
    """The newest document's id, and the query as each configuration reads it, printed
    (`'estim' & 'custom'`): one round trip."""
    parts, params = ["(SELECT max(id) FROM search_document)"], []
    for cfg in CONFIGS:
        sql, cfg_params = _tsquery_sql(query, any_of, cfg)
        parts.append(f"({sql})::text")
        params += cfg_params
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)  # noqa: S608 - ours
        newest, *printed = cursor.fetchone()
    return [newest or 0, *printed]


# A lexeme as PostgreSQL prints a tsquery: quoted, quotes doubled, maybe weights or ":*".
_PRINTED_LEXEME = re.compile(r"'((?:[^']|'')*)'(:[*A-Za-z]+)?")
_PHRASE = re.compile(r"<(?:-|\d+)>")
_SUFFIX = "\x00"  # where the span's suffix goes (no lexeme holds a NUL)


def _span_form(printed: str) -> tuple[str, bool] | None:
    """`printed` in span words, with `_SUFFIX` where each lexeme's span suffix goes, and
    whether it held a phrase (span words hold no positions: "a <-> b" becomes "a & b",
    and the rows found must then match the query itself). ("", False) for a query
    of stop words only; None for one span words cannot answer: a negation (its rows
    hold none of the word), or a lexeme with weights or read as a prefix."""
    operators = "".join(_PRINTED_LEXEME.split(printed)[::3])  # all but the lexemes
    if "!" in operators or any(m.group(2) for m in _PRINTED_LEXEME.finditer(printed)):
        return None
    phrase = bool(_PHRASE.search(operators))
    form = _PRINTED_LEXEME.sub(lambda m: f"'{m.group(1)} {_SUFFIX}'", printed)
    return _PHRASE.sub("&", form) if phrase else form, phrase


def _first_spans(newest: int) -> list[int]:
    """The spans the first statement reads: the newest, and the one before it while the
    newest holds under a quarter of a span (at 1M documents, a few only: read alone, it
    cost a statement, 0.7 ms, in nearly every search)."""
    span = newest // index.SPAN_ROWS
    if span and newest % index.SPAN_ROWS < index.SPAN_ROWS // 4:
        return [span, span - 1]
    return [span]


def _in_span(span_forms: dict, span: int) -> str:
    """The tsquery of the span words of `span`: each configuration's, joined by OR."""
    return " | ".join(
        f"({form.replace(_SUFFIX, index.span_suffix(cfg, span))})"
        for cfg, form in span_forms.items()
    )


# A span read costs about what fetching this many matches costs when the older
# documents are read at once (0.5 to 1 ms for the statement and its span words'
# lists, against 3 µs a match, measured at 1M).
SPAN_COST_IN_MATCHES = 250


def _too_thin(found: int, newest: int, span: int, window: int) -> bool:
    """Whether the words are too thin in the spans read so far (down to `span` + 1)
    for reading on span by span to cost less than reading the older documents at once:
    a word in 0.7 % of them reads 6 more spans; one in 0.1 % reads the rest at once."""
    spans_read = newest // index.SPAN_ROWS - span
    if spans_read < 2:  # the newest span may hold a few documents only
        return False
    density = found / (newest - (span + 1) * index.SPAN_ROWS + 1)
    if not density:
        return True
    spans_needed = (window + 1 - found) / density / index.SPAN_ROWS
    return spans_needed * SPAN_COST_IN_MATCHES > density * (span + 1) * index.SPAN_ROWS


class GivenQuery(SearchQuery):
    """A tsquery given as it is printed, in its `slot`, when the statement runs
    (`_ranked_rows`): no configuration reads it again (span words hold a space)."""

    def __init__(self, slot):
        super().__init__(slot)
        self.slot = slot

    def as_sql(self, compiler, connection, **extra):
        return "%s::tsquery", [self.slot]


def _ranked_statement(matches) -> tuple[str, list] | None:
    """The statement giving (id, rank) of the latest of `matches`, up to a count given
    last: ranked after the cut, so ts_rank runs on that many rows at most. None when
    nothing can match (no community to read, or a filter nothing can match).

    Ordered by "id + 0", which no index gives: asked for a few rows, PostgreSQL would
    otherwise walk the primary key backwards, testing every row's vector, sure to meet
    the few soon (it cannot tell how rare span words are): 100 to 230 ms for six rows
    from the 36th span of 50, where the GIN index finds them in 1 ms."""
    newest_first = (F("id") + 0).desc()
    latest = matches.order_by(newest_first).values_list("id", "config", "vector")
    try:
        sql, params = latest.query.sql_with_params()
    except EmptyResultSet:
        return None
    return (
        "SELECT w.id, CASE WHEN w.config = 'italian' THEN ts_rank(w.vector, %s::tsquery)"  # noqa: S608 - ORM-made
        f" ELSE ts_rank(w.vector, %s::tsquery) END FROM ({sql} LIMIT %s) AS w(id, config, vector)",
        [_printed("italian"), _printed("english"), *params],
    )


def _ranked_rows(statement, count, slots) -> list[tuple[int, float]]:
    """(id, rank) of the latest `count` rows of `statement` (`_ranked_statement`), its
    slots filled in from `slots` ({slot: value})."""
    if statement is None:
        return []
    sql, params = statement
    params = [slots.get(param, param) if isinstance(param, str) else param for param in params]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, count])
        return cursor.fetchall()


def _postgres_hits(printed, ranked) -> tuple[list[tuple], dict]:
    """(id, highlighted title, snippet) of the `ranked` documents still indexed, and
    what their results show ({id: row of RESULT_FIELDS}), in one statement.
    `printed`: the query's tsquery as each configuration reads it."""
    title_options = _headline_options(HighlightAll=True)
    body_options = _headline_options(MaxWords=30, MinWords=12)
    headlines, params = [], []
    for column, options in (("d.title", title_options), ("d.body", body_options)):
        headlines.append(
            f"CASE WHEN d.config = 'italian'"
            f" THEN ts_headline('italian', {column}, %s::tsquery, %s)"
            f" ELSE ts_headline('english', {column}, %s::tsquery, %s) END"
        )
        params += [printed["italian"], options, printed["english"], options]
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {_RESULT_COLUMNS}, {', '.join(headlines)} FROM search_document d"  # noqa: S608
            f" {_RESULT_JOINS} WHERE d.id = ANY(%s)",
            [*params, list(ranked)],
        )
        found = {row[0]: row for row in cursor.fetchall()}
    return _hits_and_rows(ranked, found)


@lru_cache
def _headline_options(**options) -> str:
    """ts_headline's options, our marks around the matching words."""
    chosen = {"StartSel": START, "StopSel": STOP, **options}
    return ", ".join(
        connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in chosen.items()
    )


# --- Shaping results ------------------------------------------------------------------


def highlighted(text: str) -> str:
    """Escape `text`, then turn the backend's marks into <mark> elements."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own tags added


RESULT_FIELDS = (
    "id", "kind", "url", "title", "created_at", "author_id", "post_id", "community_id",
    "community__name", "community__slug", "topic_id", "topic__title", "topic__kind",
    "topic__accepted_answer_id", "post__is_opening", "post__is_anonymous",
    # What the author's name is made of (`name_to_show`): no query of its own.
    "author__email", "author__erased_at", "author__profile__display_name",
)  # fmt: skip


def _results(hits, allowed, rows) -> list[Result]:
    """What each hit shows: from `rows` ({id: row of RESULT_FIELDS}) when read with the
    hits, else read now, in one query."""
    if not rows:
        rows = {row["id"]: row for row in _result_rows([hit[0] for hit in hits])}
    results, topics = [], _TopicShapes()
    for doc_id, title_hl, snippet in hits:
        doc = rows.get(doc_id)
        if doc is None or doc["community_id"] not in allowed:
            continue  # deleted meanwhile, or its community closed since it was indexed
        if doc["post_id"] is not None:
            results.append(_post_result(doc, title_hl, snippet, topics))
        else:
            results.append(_item_result(doc, title_hl, snippet))
    return results


# Written out, not made by the ORM: on PostgreSQL, prepared (planning this join of six
# tables costs three times its running: 1.07 ms against 0.33 at 1M posts); on SQLite,
# the ORM's making and reading of it cost more than SQLite's running (1.9 ms a page).
# Its columns are RESULT_FIELDS, in order.
_RESULT_COLUMNS = """d.id, d.kind, d.url, d.title, d.created_at, d.author_id, d.post_id,
    d.community_id, c.name, c.slug, d.topic_id, t.title, t.kind, t.accepted_answer_id,
    p.is_opening, p.is_anonymous, u.email, u.erased_at, f.display_name"""
_RESULT_JOINS = """JOIN communities_community c ON c.id = d.community_id
LEFT JOIN discussions_topic t ON t.id = d.topic_id
LEFT JOIN discussions_post p ON p.id = d.post_id
LEFT JOIN accounts_user u ON u.id = d.author_id
LEFT JOIN accounts_profile f ON f.user_id = d.author_id"""
_TIMES = [RESULT_FIELDS.index(name) for name in ("created_at", "author__erased_at")]


def _result_rows(ids) -> list[dict]:
    """RESULT_FIELDS of the documents `ids`."""
    if not ids:
        return []
    select = f"SELECT {_RESULT_COLUMNS} FROM search_document d {_RESULT_JOINS} WHERE d.id"  # noqa: S608
    if connection.vendor == "postgresql":
        with prepared_cursor() as cursor:
            cursor.execute(f"{select} = ANY(%s)", [list(ids)])
            rows = cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(ids))})", ids)
            rows = [_in_time_zone(row) for row in cursor.fetchall()]
    return [dict(zip(RESULT_FIELDS, row, strict=True)) for row in rows]


def _in_time_zone(row) -> list:
    """A SQLite row with its times aware, as the ORM reads them."""
    row = list(row)
    for i in _TIMES:
        row[i] = connection.ops.convert_datetimefield_value(row[i], None, connection)
    return row


class _TopicShapes:
    """What every post of a page of results shares, made once for the page: the topic
    address with blanks to fill in, and the kinds' labels in the reader's language."""

    def __init__(self):
        address = kept_reverse("topic-detail", args=["slug-mark", 1234567])
        self.before, rest = address.split("slug-mark")
        self.between, self.after = rest.split("1234567")
        self.labels = {kind.value: str(kind.label) for kind in TopicKind}

    def url(self, slug: str, topic_id: int) -> str:
        return f"{self.before}{slug}{self.between}{topic_id}{self.after}"


def _post_result(doc, title_hl, snippet, topics: _TopicShapes) -> Result:
    topic_title, is_question = doc["topic__title"], doc["topic__kind"] == TopicKind.QUESTION
    return Result(
        url=f"{topics.url(doc['community__slug'], doc['topic_id'])}#post-{doc['post_id']}",
        topic_title=topic_title,
        title_html=highlighted(title_hl) if doc["title"] else escape(topic_title),
        snippet_html=highlighted(snippet),
        community_name=doc["community__name"],
        community_slug=doc["community__slug"],
        kind=topics.labels[doc["topic__kind"]],
        is_answered=is_question and doc["topic__accepted_answer_id"] is not None,
        author_name=_author_name(doc),
        created_at=doc["created_at"],
        is_opening=doc["post__is_opening"],
    )


def _item_result(doc, title_hl, snippet) -> Result:
    """Any other content: its own page, title and kind; no author when anonymous."""
    kind = kinds.by_model(doc["kind"])
    return Result(
        url=doc["url"],
        topic_title=doc["title"],
        title_html=highlighted(title_hl),
        snippet_html=highlighted(snippet),
        community_name=doc["community__name"],
        community_slug=doc["community__slug"],
        kind=kinds.singular_label(doc["kind"]),
        is_answered=False,
        author_name=_named(doc) if doc["author_id"] else "",
        created_at=doc["created_at"],
        is_opening=False,
        content_kind=kind.value if kind else doc["kind"],
    )


def _author_name(doc) -> str:
    if doc["post__is_anonymous"]:
        return str(ANONYMOUS_LABEL)
    return _named(doc) if doc["author_id"] else _("Former member")


def _named(doc) -> str:
    """The name of the document's author (who is not anonymous, and still has an account)."""
    chosen = doc["author__profile__display_name"] or ""
    return name_to_show(doc["author__email"], doc["author__erased_at"], chosen)
