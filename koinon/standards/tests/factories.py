"""Standards built through the real actions."""

from datetime import timedelta

from django.utils import timezone

from koinon.standards import actions

BODY = """Why this guideline exists.

## Confidentiality

Keep client data private.

## Conflicts of interest

Declare them before you start."""


def make_standard(author, community, *, title="Ethics of consulting", **kwargs):
    kwargs.setdefault("body", BODY)
    kwargs.setdefault("kind", "guideline")
    return actions.do_create_standard(author, community, title=title, **kwargs)


def revise(author, standard, **changes):
    data = {
        "title": standard.title,
        "summary": standard.summary,
        "body": standard.body,
        "base_version": standard.version,
    }
    data.update(changes)
    return actions.do_edit_standard(author, standard, **data)


def open_vote(author, standard, *, quorum=50, threshold=66, days=7, **kwargs):
    return actions.do_open_vote(
        author,
        standard,
        closes_at=timezone.now() + timedelta(days=days),
        quorum=quorum,
        threshold=threshold,
        **kwargs,
    )
