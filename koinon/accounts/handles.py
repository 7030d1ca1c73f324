"""Handles: the short unique name people are @mentioned by.

A handle is 3 to 30 characters of lower-case ASCII letters, digits and
underscores, starting with a letter or digit. It is made from the display name
when an account is created (accents dropped, spaces become underscores, a
number added when taken) and can be changed in the profile settings.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HANDLE_MIN, HANDLE_MAX = 3, 30
HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{2,29}$")
# Words that would read as a group or as the site speaking.
RESERVED = {
    "admin",
    "administrator",
    "all",
    "everyone",
    "here",
    "koinon",
    "moderator",
    "moderators",
    "staff",
    "support",
    "system",
}


def slug_for_handle(text: str) -> str:
    """`text` as handle characters: ASCII letters, digits and single underscores."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return base[:HANDLE_MAX].rstrip("_")


def _taken(handle: str, exclude_user_id=None) -> bool:
    from koinon.accounts.models import Profile

    taken = Profile.objects.filter(handle=handle)
    if exclude_user_id is not None:
        taken = taken.exclude(user_id=exclude_user_id)
    return taken.exists() or handle in RESERVED


def unique_handle(text: str, exclude_user_id=None, taken=None) -> str:
    """A free handle made from `text` (`taken`: a set already known to be used)."""
    base = slug_for_handle(text) or "member"
    if len(base) < HANDLE_MIN:
        base = (base + "_member")[:HANDLE_MAX]

    def used(candidate):
        if taken is not None:
            return candidate in taken or candidate in RESERVED
        return _taken(candidate, exclude_user_id)

    if not used(base):
        return base
    for number in range(2, 10_000):
        suffix = f"_{number}"
        candidate = base[: HANDLE_MAX - len(suffix)].rstrip("_") + suffix
        if not used(candidate):
            return candidate
    raise RuntimeError("no free handle")  # pragma: no cover - ten thousand namesakes


def check_handle(value: str, user_id=None) -> str:
    """A handle typed by a person: normalised to lower case, or a clear ValidationError."""
    handle = (value or "").strip().lstrip("@").lower()
    if not handle:
        raise ValidationError(_("Please choose a handle."), code="required")
    if not HANDLE_RE.match(handle):
        raise ValidationError(
            _(
                "A handle has %(min)s to %(max)s characters: letters a-z, digits and "
                "underscores, starting with a letter or a digit."
            )
            % {"min": HANDLE_MIN, "max": HANDLE_MAX},
            code="invalid",
        )
    if handle in RESERVED:
        raise ValidationError(_("This handle is reserved; please choose another."), code="taken")
    if _taken(handle, user_id):
        raise ValidationError(_("This handle is already taken."), code="taken")
    return handle
