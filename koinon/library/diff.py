"""A readable comparison of two versions of a practice.

Each field that changed becomes a list of rows (kind, text): "add", "remove",
"context" or "gap". Templates render them escaped inside <ins>/<del>, so text
from the versions can never become markup.
"""

import difflib

from django.utils.translation import gettext_lazy as _

FIELDS = [
    ("title", _("Title")),
    ("summary", _("Summary")),
    ("when_to_use", _("When to use it")),
    ("body", _("Text")),
]


def line_diff(old: str, new: str, context: int = 3) -> list[tuple[str, str]]:
    rows = []
    diff = difflib.unified_diff(
        (old or "").splitlines(), (new or "").splitlines(), lineterm="", n=context
    )
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("gap", "…"))
        elif line.startswith("+"):
            rows.append(("add", line[1:]))
        elif line.startswith("-"):
            rows.append(("remove", line[1:]))
        else:
            rows.append(("context", line[1:]))
    return rows


def compare(old, new) -> list[dict]:
    """The fields that differ between two versions, each with its rows."""
    changes = []
    for name, label in FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append({"field": name, "label": label, "rows": line_diff(before, after)})
    return changes


def unified_text(old, new) -> str:
    """The same comparison as plain unified-diff text (for the API)."""
    parts = []
    for name, _label in FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
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
