"""The one search index: a row per searchable text, whatever the database.

A row is a discussion post (`post` and `topic` set, kind "discussions.post") or any
other content indexed through `koinon.search.index.index_item` (kind
"<app_label>.<model_name>", `object_id` its primary key, `url` its page).

SQLite indexes these rows in an FTS5 table that triggers keep in step (see
migrations 0002 and 0003); PostgreSQL keeps a weighted `tsvector` in `vector` (NULL on
SQLite) with a GIN index. Policy filters (community, group, topic state) join
live tables at query time, so a community turning private hides its results at once.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    # "<app_label>.<model_name>" of what the row indexes, and that object's primary key.
    kind = models.CharField(max_length=60, default="discussions.post")
    object_id = models.PositiveBigIntegerField(null=True)
    # The page to open (posts build theirs from the topic).
    url = models.CharField(max_length=500, blank=True, default="")
    post = models.OneToOneField(
        "discussions.Post",
        null=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    topic = models.ForeignKey(
        "discussions.Topic", null=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "communities.Group", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # Only the opening post carries the topic's title, so a title match ranks the topic.
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    # The PostgreSQL text-search configuration, from the content's language.
    config = models.CharField(max_length=16, default="english")
    # NULL for anonymous posts: search can neither show nor filter by their author.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Words the SQLite index filters on without reading rows: who may see the text
    # ("scopepublic" or "scopec<community id>"), its community, kind, label, tags,
    # answered or not, opening post, open author. See `koinon.search.index.facets_for`.
    facets = models.TextField(blank=True, default="")
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        db_table = "search_document"
        indexes = [
            models.Index(fields=["community", "created_at"], name="search_doc_comm_idx"),
            # Topics' opening posts, newest first: similar topics read only these.
            models.Index(
                fields=["-id"],
                name="search_doc_opening_idx",
                condition=models.Q(kind="discussions.post") & ~models.Q(title=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_object_once")
        ]

    def __str__(self):
        return f"Document for {self.kind} {self.object_id}"
