"""The one search index: a row per searchable text, whatever the database.

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
    post = models.OneToOneField(
        "discussions.Post", on_delete=models.CASCADE, related_name="search_document"
    )
    topic = models.ForeignKey("discussions.Topic", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    # Only the opening post carries the topic's title, so a title match ranks the topic.
    title = models.CharField(max_length=200, blank=True)
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
        indexes = [models.Index(fields=["community", "created_at"], name="search_doc_comm_idx")]

    def __str__(self):
        return f"Document for post {self.post_id}"
