"""DOI and ISBN: normalised, then checked (ISBN check digits included)."""

import re

from django.utils.translation import gettext as _

from koinon.lib.errors import ActionError

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def clean_doi(value: str) -> str:
    """`10.1000/xyz123`, also accepted as a doi.org address or with "doi:"."""
    value = (value or "").strip()
    if not value:
        return ""
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    if not DOI_RE.match(value) or len(value) > 200:
        raise ActionError(
            _("This is not a DOI: a DOI looks like 10.1000/xyz123."), field="doi", code="invalid"
        )
    return value


def _isbn10_ok(digits: str) -> bool:
    if not re.fullmatch(r"\d{9}[\dX]", digits):
        return False
    total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
    return total % 11 == 0


def _isbn13_ok(digits: str) -> bool:
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return False
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
    return total % 10 == 0


def clean_isbn(value: str) -> str:
    """ISBN-10 or ISBN-13, hyphens and spaces removed, check digit verified."""
    digits = re.sub(r"[\s-]", "", (value or "")).upper()
    if digits.startswith("ISBN"):
        digits = digits[4:].lstrip(":")
    if not digits:
        return ""
    if not (_isbn10_ok(digits) or _isbn13_ok(digits)):
        raise ActionError(
            _("This is not a valid ISBN (10 or 13 digits with a correct check digit)."),
            field="isbn",
            code="invalid",
        )
    return digits
