"""Opportunities in the one search: live ones are found, closed and expired ones are not.

Registered in the search's builders (`koinon.search.items`) when the app is ready, so
`python -m koinon search_reindex` backfills them too (and leaves out those that expired
since). The actions keep the index in step on publish, edit and close; one that simply
expires is dropped by `unindex_expired_opportunities` (daily) or the next reindex.
"""

from koinon.search.items import builder, language_of


def fields_for(opportunity) -> dict | None:
    """The `index_item` arguments, or None when the opportunity must not be found."""
    if not opportunity.is_live:
        return None
    body = "\n".join(
        part
        for part in (
            str(opportunity.get_kind_display()),
            opportunity.location,
            opportunity.description_html,
        )
        if part
    )
    return {
        "community": opportunity.community,
        "title": opportunity.title,
        "body_html_or_text": body,
        "url": opportunity.get_absolute_url(),
        "language": language_of(opportunity.community),
        "author": opportunity.author,
        "group": opportunity.group,
        "created_at": opportunity.created_at,
    }


def register() -> None:
    builder("opportunities.opportunity")(fields_for)
