"""Recurring meetings: parse and check an RRULE, list its occurrences in local time.

The rule is evaluated with a start that carries the event's IANA time zone, so every
occurrence keeps the planned wall-clock time (18:00 Europe/Rome stays 18:00 when the
clocks change) and gets the right UTC offset for its own date.
"""

import re
import zoneinfo
from datetime import date, datetime, time
from itertools import islice

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

from koinon.events.models import MAX_OCCURRENCES
from koinon.lib.errors import ActionError

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_UNTIL = re.compile(r"UNTIL=([0-9TZ]+)", re.IGNORECASE)


def _rule_error(message) -> ActionError:
    return ActionError(message, code="invalid_rrule", field="rrule")


def _parts(rule: str) -> dict:
    parts = {}
    for item in rule.split(";"):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise _rule_error(_("This repeat rule cannot be read: “%(part)s”.") % {"part": item})
        parts[name.strip().upper()] = value.strip()
    return parts


def _until_in_utc(value: str, tz) -> str:
    """UNTIL as RFC 5545 wants it with a zoned start: UTC. A local date or time is converted."""
    value = value.upper()
    if value.endswith("Z"):
        return value
    try:
        if "T" in value:
            local = datetime.strptime(value, "%Y%m%dT%H%M%S")
        else:
            local = datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59))
    except ValueError as exc:
        raise _rule_error(_("UNTIL must be a date such as 20270630.")) from exc
    return local.replace(tzinfo=tz).astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def normalise_rule(rule: str, time_zone: str) -> str:
    """The rule in canonical form (upper case, no RRULE: prefix, UNTIL in UTC), or ActionError."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if not rule:
        raise _rule_error(_("Enter a repeat rule."))
    if "\n" in rule or "\r" in rule or ":" in rule:
        raise _rule_error(_("Enter only the rule, e.g. FREQ=WEEKLY;COUNT=10."))
    parts = _parts(rule)
    if parts.get("FREQ", "").upper() not in ALLOWED_FREQUENCIES:
        raise _rule_error(_("The rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."))
    if {"BYHOUR", "BYMINUTE", "BYSECOND"} & set(parts):
        raise _rule_error(_("Meetings repeat by day: BYHOUR, BYMINUTE and BYSECOND are not used."))
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _rule_error(
            _("The rule never ends: add COUNT (e.g. COUNT=10) or UNTIL (e.g. UNTIL=20270630).")
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise _rule_error(_("Use either COUNT or UNTIL, not both."))
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_in_utc(parts["UNTIL"], zoneinfo.ZoneInfo(time_zone))
    return ";".join(f"{name}={value.upper()}" for name, value in parts.items())


def occurrences(rule: str, first_start: datetime, time_zone: str, exdates=()) -> list[datetime]:
    """Aware local starts of every occurrence, exceptions (local dates) left out.

    Raises ActionError for a rule that does not parse, never ends, has more than
    MAX_OCCURRENCES occurrences, or has none.
    """
    tz = zoneinfo.ZoneInfo(time_zone)
    rule = normalise_rule(rule, time_zone)
    local_start = first_start.astimezone(tz).replace(microsecond=0)
    try:
        parsed = rrulestr(f"RRULE:{rule}", dtstart=local_start)
        starts = list(islice(iter(parsed), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise _rule_error(
            _("This repeat rule cannot be read: %(error)s") % {"error": str(exc)}
        ) from exc
    if len(starts) > MAX_OCCURRENCES:
        raise _rule_error(
            _("The rule gives more than %(max)d meetings: lower COUNT or UNTIL.")
            % {"max": MAX_OCCURRENCES}
        )
    skipped = {d if isinstance(d, date) else date.fromisoformat(d) for d in exdates}
    # Re-attach the zone so each occurrence gets the offset of its own date.
    starts = [s.replace(tzinfo=tz) for s in starts if s.date() not in skipped]
    if not starts:
        raise _rule_error(_("The rule and its exceptions leave no meeting."))
    return starts


def parse_exdates(text: str) -> list[str]:
    """'2027-04-06, 2027-04-13' → ['2027-04-06', '2027-04-13'], or ActionError."""
    result = []
    for item in re.split(r"[\s,;]+", (text or "").strip()):
        if not item:
            continue
        try:
            result.append(date.fromisoformat(item).isoformat())
        except ValueError as exc:
            raise ActionError(
                _("“%(value)s” is not a date: use YYYY-MM-DD.") % {"value": item},
                code="invalid_exdate",
                field="exdates",
            ) from exc
    return sorted(set(result))
