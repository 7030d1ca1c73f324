"""Checks and parsers for profile fields, shared by the settings forms and the actions."""

import re
import zoneinfo
from functools import cache

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

MAX_LIST_ITEMS = 20
MAX_ITEM_LENGTH = 200
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_url = URLValidator(schemes=["http", "https"])


@cache
def known_languages() -> frozenset[str]:
    return frozenset(code for code, info in LANG_INFO.items() if "name" in info)


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def split_items(text: str, separators: str = ",\n") -> list[str]:
    """Free text to a list: split on the separators, trim, drop blanks and repeats."""
    items = re.split("[" + re.escape(separators) + "]", text or "")
    seen: dict[str, None] = {}
    for item in (i.strip() for i in items):
        if item and item.lower() not in {s.lower() for s in seen}:
            seen[item] = None
    return list(seen)


def check_list(items) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValidationError(_("Expected a list of texts."), code="invalid")
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError(
            _("At most %(n)d items, please.") % {"n": MAX_LIST_ITEMS}, code="too_many"
        )
    if any(len(i) > MAX_ITEM_LENGTH for i in items):
        raise ValidationError(
            _("Each item can be at most %(n)d characters long.") % {"n": MAX_ITEM_LENGTH},
            code="too_long",
        )
    return [i.strip() for i in items if i.strip()]


def check_languages(codes) -> list[str]:
    codes = [c.lower() for c in check_list(codes)]
    unknown = [c for c in codes if c not in known_languages()]
    if unknown:
        raise ValidationError(
            _("Unknown language codes: %(codes)s. Use codes such as it, en, fr.")
            % {"codes": ", ".join(unknown)},
            code="unknown_language",
        )
    return codes


def check_links(links) -> list[str]:
    links = check_list(links)
    for link in links:
        try:
            _url(link)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(link)s” is not a web address starting with http:// or https://.")
                % {"link": link},
                code="invalid_link",
            ) from exc
    return links


def check_time_zone(name: str) -> str:
    if name and name not in known_time_zones():
        raise ValidationError(
            _("Unknown time zone. Choose one such as Europe/Rome."), code="unknown_time_zone"
        )
    return name


def check_country(code: str) -> str:
    code = (code or "").strip().upper()
    if code and not COUNTRY_RE.match(code):
        raise ValidationError(
            _("Use the two-letter country code, e.g. IT."), code="invalid_country"
        )
    return code
