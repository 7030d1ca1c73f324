"""Standards in the one search: those under review, being voted on or ratified are
found by every member of their community (drafts are not); registered with the search
app's builders so `search_reindex` backfills them too."""

from koinon.search.items import builder, language_of
from koinon.standards.models import StandardStatus

INDEXED = (StandardStatus.REVIEW, StandardStatus.VOTING, StandardStatus.RATIFIED)


@builder("standards.standard")
def standard_document(standard):
    if standard.status not in INDEXED:
        return None
    return {
        "community": standard.community,
        "title": standard.title,
        "body_html_or_text": "\n".join(p for p in (standard.summary, standard.body_html) if p),
        "url": standard.get_absolute_url(),
        "language": language_of(standard.community),
        "author": None,
        "group": None,
        "created_at": standard.created_at,
    }
