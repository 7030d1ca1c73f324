"""Keeping the search index in step with the content (called by the actions).

Each post is one Document: its plain text, the topic's title on the opening post,
and `facets`, the words SQLite's index filters on (see `facets_for`). Any other
content (practices, ideas, events...) is indexed with `index_item` and dropped with
`unindex_item`, called by its app's actions.
"""

import re
from html import unescape

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils.html import strip_tags

from koinon.lib import generations
from koinon.search.models import Document

CONFIGS = {"it": "italian", "en": "english"}
PUBLIC_SCOPE = "scopepublic"
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
POST_KIND = "discussions.post"


def config_for(language: str) -> str:
    return CONFIGS.get(language, "english")


def plain_text(html: str) -> str:
    """The words of `html`: tags dropped (with a space, so "<p>a</p><p>b</p>" keeps
    two words), entities decoded, whitespace collapsed."""
    html = _SCRIPTS.sub(" ", html).replace("<", " <")
    return " ".join(unescape(strip_tags(html)).split())


def scope_for(community) -> str:
    """Who may find the text: everyone, or the members of one community."""
    return PUBLIC_SCOPE if community.visibility == "public" else f"scopec{community.pk}"


def facets_for(post, topic, tag_ids) -> str:
    """Letters and digits only, so the FTS tokenizer keeps each facet one word."""
    words = [scope_for(topic.community), f"comm{topic.community_id}", f"kind{topic.kind}"]
    if topic.label:
        words.append(f"label{topic.label}")
    words += [f"tag{tag_id}" for tag_id in tag_ids]
    if topic.kind == "question":
        words.append("answeredyes" if topic.accepted_answer_id else "answeredno")
    if post.is_opening:
        words.append("opening")
    if not post.is_anonymous and post.author_id:
        words.append(f"author{post.author_id}")
    if topic.group_id:
        words.append(f"group{topic.group_id}")
    return " ".join(words)


def _fields(post, topic, tag_ids) -> dict:
    return {
        "kind": POST_KIND,
        "object_id": post.pk,
        "group_id": topic.group_id,
        "topic_id": topic.pk,
        "community_id": topic.community_id,
        "title": topic.title if post.is_opening else "",
        "body": plain_text(post.body_html),
        "config": config_for(topic.language),
        "author_id": None if post.is_anonymous else post.author_id,
        "created_at": post.created_at,
        "facets": facets_for(post, topic, tag_ids),
    }


GENERATION_KEY = "search:generation"


def bump_generation() -> None:
    """The index changed: searches kept from before are not served (koinon.search.query)."""
    generations.bump(GENERATION_KEY)


def update_post(post) -> Document | None:
    """Index the post's current text, or drop it from the index once deleted."""
    bump_generation()
    topic = post.topic
    # Hidden pending review, the post or its whole topic: not found.
    if post.is_deleted or post.hidden_at is not None or topic.hidden_at is not None:
        Document.objects.filter(post_id=post.pk).delete()
        return None
    tag_ids = list(topic.tags.values_list("pk", flat=True))
    document, _created = Document.objects.update_or_create(
        post_id=post.pk, defaults=_fields(post, topic, tag_ids)
    )
    if connection.vendor == "postgresql":
        _update_vector(Document.objects.filter(pk=document.pk))
    return document


def kind_of(obj) -> str:
    """The kind of content `obj` is: "<app_label>.<model_name>"."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def kind_facet(kind: str) -> str:
    """The facet word of a kind of content: "library.practice" -> "kindlibrarypractice"."""
    return "kind" + "".join(ch for ch in kind if ch.isalnum())


def item_facets(kind, community, author=None, group=None) -> str:
    words = [scope_for(community), f"comm{community.pk}", kind_facet(kind)]
    if author is not None:
        words.append(f"author{author.pk}")
    if group is not None:
        words.append(f"group{group.pk}")
    return " ".join(words)


def index_item(
    obj,
    *,
    community,
    title: str,
    body_html_or_text: str,
    url: str,
    language: str = "it",
    author=None,
    group=None,
    created_at=None,
) -> Document:
    """Index (or re-index) any content every member of `community` may see.

    `author` is None for anonymous content: it is then neither shown nor filterable.
    Call `unindex_item` once the object is deleted or restricted further.
    """
    bump_generation()
    kind = kind_of(obj)
    fields = {
        "community_id": community.pk,
        "group_id": group.pk if group is not None else None,
        "title": (title or "")[:300],
        "body": plain_text(body_html_or_text or ""),
        "url": url[:500],
        "config": config_for(language),
        "author_id": author.pk if author is not None else None,
        "facets": item_facets(kind, community, author, group),
    }
    if created_at is not None:
        fields["created_at"] = created_at
    document, _created = Document.objects.update_or_create(
        kind=kind, object_id=obj.pk, defaults=fields
    )
    if connection.vendor == "postgresql":
        _update_vector(Document.objects.filter(pk=document.pk))
    return document


def unindex_item(obj) -> None:
    """Drop `obj` from the index (deleted, or no longer visible to every member)."""
    bump_generation()
    Document.objects.filter(kind=kind_of(obj), object_id=obj.pk).delete()


def update_topic(topic) -> None:
    """Refresh every post of a topic whose title, label, tags, group or answer changed."""
    for post in topic.posts.filter(deleted_at__isnull=True, hidden_at__isnull=True):
        post.topic = topic
        update_post(post)


def update_community_scope(community, batch_size: int = 2000) -> int:
    """After a change of visibility: re-scope the community's documents."""
    scope, changed = scope_for(community), 0
    documents = Document.objects.filter(community=community)
    sample = documents.values_list("facets", flat=True).first()
    if sample is None or sample.startswith(scope + " "):
        return 0  # a community's documents are re-scoped together: one tells for all
    bump_generation()
    stale = Document.objects.filter(community=community).exclude(facets__startswith=scope + " ")
    while batch := list(stale.only("pk", "facets")[:batch_size]):
        for document in batch:
            rest = document.facets.split(" ", 1)[1] if " " in document.facets else ""
            document.facets = f"{scope} {rest}".strip()
        Document.objects.bulk_update(batch, ["facets"])
        changed += len(batch)
    return changed


# PostgreSQL: each vector also holds its words as "span words": "<lexeme> <i|e><span>",
# the lexeme, a space, the first letter of the text's configuration (italian, or
# english for any other) and its span of ids (id // SPAN_ROWS). The GIN index then
# finds the newest matches of common words span by span from the short lists of
# their span words (see koinon.search.query._postgres). The parser splits text at
# spaces, so no text or query makes a lexeme holding one. Changing SPAN_ROWS needs the
# vectors written again (`python -m koinon search_reindex`).
SPAN_ROWS = 20_000


def span_suffix(config: str, span: int) -> str:
    """What the span words of a text in `config` and in `span` end with: "i49"."""
    return f"{'i' if config == 'italian' else 'e'}{span}"


_VECTOR_SQL = """
UPDATE search_document AS d SET vector = w.words || array_to_tsvector(ARRAY(
    SELECT u.lexeme || ' ' || w.suffix FROM unnest(w.words) AS u))
FROM (
    SELECT id,
        setweight(to_tsvector(config::regconfig, COALESCE(title, '')), 'A')
        || setweight(to_tsvector(config::regconfig, COALESCE(body, '')), 'B') AS words,
        CASE WHEN config = 'italian' THEN 'i' ELSE 'e' END || (id / %s)::text AS suffix
    FROM search_document WHERE id IN ({ids})
) AS w
WHERE d.id = w.id
"""


def _update_vector(documents):
    """Write the vectors of `documents` (a queryset): weighted words, then span words."""
    ids, params = documents.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_VECTOR_SQL.format(ids=ids), [SPAN_ROWS, *params])


def rebuild(batch_size: int = 5000) -> int:
    """Index every post, and every other kind `koinon.search.items` knows, again."""
    from koinon.discussions.models import Post
    from koinon.search import items

    Document.objects.filter(kind=POST_KIND).delete()
    count = index_posts(Post.objects.all(), batch_size)
    return count + items.rebuild()


def index_posts(posts, batch_size: int = 5000, progress=None) -> int:
    """Index `posts` that are not indexed yet, in bulk (after an import or a seed).

    Batches are ranges of primary keys, each in its own transaction, so SQLite can
    checkpoint its write-ahead log as it goes and every batch reads through the
    primary key's index (a LIMIT would let PostgreSQL, before its statistics catch up
    with a bulk load, scan the whole table for each batch). `progress`, if given, is
    called with the running count after each batch.
    """
    bounds = posts.aggregate(low=Min("pk"), high=Max("pk"))
    posts = posts.filter(
        deleted_at__isnull=True,
        hidden_at__isnull=True,
        topic__hidden_at__isnull=True,
        search_document__isnull=True,
    )
    if bounds["high"] is None:
        return 0
    bump_generation()
    count, last = 0, bounds["low"] - 1
    while last < bounds["high"]:
        batch = list(
            posts.filter(pk__gt=last, pk__lte=last + batch_size)
            .select_related("topic__community")
            .prefetch_related("topic__tags")
            .order_by("pk")
        )
        last += batch_size
        if not batch:
            continue
        with transaction.atomic():
            documents = Document.objects.bulk_create([_document_for(p) for p in batch])
            if connection.vendor == "postgresql":
                _update_vector(Document.objects.filter(pk__in=[d.pk for d in documents]))
        count += len(batch)
        if progress is not None:
            progress(count)
    return count


def _document_for(post) -> Document:
    tag_ids = [tag.pk for tag in post.topic.tags.all()]
    return Document(post_id=post.pk, **_fields(post, post.topic, tag_ids))
