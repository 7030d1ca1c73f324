"""Readable comparisons between two versions of a standard (the library's line diff)."""

import difflib

from django.utils.translation import gettext_lazy as _

from koinon.library.diff import line_diff

FIELDS = [("title", _("Title")), ("summary", _("Summary")), ("body", _("Text"))]


def compare(old, new) -> list[dict]:
    changes = []
    for name, label in FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append({"field": name, "label": label, "rows": line_diff(before, after)})
    return changes


def unified_text(old, new) -> str:
    parts = []
    for name, _label in FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            parts.extend(
                difflib.unified_diff(
                    (before or "").splitlines(),
                    (after or "").splitlines(),
                    fromfile=f"v{old.number}/{name}",
                    tofile=f"v{new.number}/{name}",
                    lineterm="",
                )
            )
    return "\n".join(parts)
