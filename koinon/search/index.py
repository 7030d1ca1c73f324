"""Keeping the search index in step with the content (called by the actions)."""

from html import unescape

from django.db import connection, transaction
from django.utils.html import strip_tags

from koinon.search.models import Document

CONFIGS = {"it": "italian", "en": "english"}


def config_for(language: str) -> str:
    return CONFIGS.get(language, "english")


def plain_text(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def update_post(post) -> Document | None:
    """Index the post's current text, or drop it from the index once deleted."""
    if post.is_deleted:
        Document.objects.filter(post_id=post.pk).delete()
        return None
    topic = post.topic
    fields = {
        "topic_id": topic.pk,
        "community_id": topic.community_id,
        "title": topic.title if post.is_opening else "",
        "body": plain_text(post.body_html),
        "config": config_for(topic.language),
        "author_id": None if post.is_anonymous else post.author_id,
        "created_at": post.created_at,
    }
    document, _created = Document.objects.update_or_create(post_id=post.pk, defaults=fields)
    if connection.vendor == "postgresql":
        _update_vector(Document.objects.filter(pk=document.pk))
    return document


def _update_vector(documents):
    from django.contrib.postgres.search import SearchVector
    from django.db.models import F

    documents.update(
        vector=SearchVector("title", weight="A", config=F("config"))
        + SearchVector("body", weight="B", config=F("config"))
    )


def rebuild(batch_size: int = 5000) -> int:
    """Index every post again (to repair the index)."""
    from koinon.discussions.models import Post

    Document.objects.all().delete()
    return index_posts(Post.objects.all(), batch_size)


def index_posts(posts, batch_size: int = 5000) -> int:
    """Index `posts` that are not indexed yet, in bulk (after an import or a seed).

    Short batches by primary key, each in its own transaction, so SQLite can
    checkpoint its write-ahead log as it goes.
    """
    posts = posts.filter(deleted_at__isnull=True, search_document__isnull=True)
    count, last = 0, 0
    while True:
        batch = list(posts.filter(pk__gt=last).select_related("topic").order_by("pk")[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        with transaction.atomic():
            documents = Document.objects.bulk_create([_document_for(p) for p in batch])
            if connection.vendor == "postgresql":
                _update_vector(Document.objects.filter(pk__in=[d.pk for d in documents]))
        count += len(batch)
    return count


def _document_for(post) -> Document:
    topic = post.topic
    return Document(
        post_id=post.pk,
        topic_id=topic.pk,
        community_id=topic.community_id,
        title=topic.title if post.is_opening else "",
        body=plain_text(post.body_html),
        config=config_for(topic.language),
        author_id=None if post.is_anonymous else post.author_id,
        created_at=post.created_at,
    )
