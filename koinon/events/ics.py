"""iCalendar (RFC 5545) output: one event, a series, a community feed, a personal feed.

- Times are written in the event's own zone (DTSTART;TZID=Europe/Rome:…) with a
  VTIMEZONE for every zone used, so calendars keep 18:00 at 18:00 across DST.
- A series is one master VEVENT (UID `series-<id>@host`, RRULE, EXDATE) plus one VEVENT
  with RECURRENCE-ID for each occurrence that differs from the rule: edited on its own,
  moved, or cancelled (STATUS:CANCELLED).
- A single event, or one occurrence taken on its own (a personal feed, the .ics of an
  occurrence), is a plain VEVENT with UID `event-<id>@host`.
- UIDs never change; SEQUENCE grows with each edit; DTSTAMP is the time of the export.
"""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from koinon.events.models import Event, Series
from koinon.lib.mail import absolute_url

PRODID = "-//Koinon//Events//EN"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "koinon.localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{_host()}"


def series_uid(series: Series) -> str:
    return f"series-{series.pk}@{_host()}"


def new_calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _local(value: datetime, tz) -> datetime:
    return timezone.localtime(value, tz)


def _location(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.address) if part)


def _vevent(event: Event, uid: str, *, show_link: bool, stamp: datetime) -> icalendar.Event:
    tz = event.tz
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", _local(event.starts_at, tz))
    vevent.add("dtend", _local(event.ends_at, tz))
    vevent.add("summary", event.title)
    description = event.description
    if show_link and event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if description:
        vevent.add("description", description)
    location = _location(event)
    if show_link and event.online_url and not location:
        location = event.online_url
    if location:
        vevent.add("location", location)
    vevent.add("url", absolute_url(event.get_absolute_url()))
    vevent.add("categories", [event.get_kind_display()])
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return vevent


def _finish(cal: icalendar.Calendar, events) -> bytes:
    if events:
        first = min(e.starts_at for e in events).date() - timedelta(days=366)
        last = max(e.ends_at for e in events).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def _differs_from_rule(occurrence: Event, master: Event) -> bool:
    """Whether the rule alone would describe this occurrence wrongly."""
    if occurrence.is_override or occurrence.is_cancelled:
        return True
    if occurrence.starts_at != occurrence.recurrence_id:
        return True
    if occurrence.ends_at - occurrence.starts_at != master.ends_at - master.starts_at:
        return True
    return any(
        getattr(occurrence, name) != getattr(master, name)
        for name in ("title", "description", "venue", "address", "kind", "online_url")
    )


def _rule_starts(series: Series) -> set | None:
    """The starts (UTC) the series' current rule gives, or None if it cannot be read."""
    from koinon.events.recurrence import occurrences as rule_occurrences
    from koinon.lib.errors import ActionError

    try:
        starts = rule_occurrences(
            series.rrule, series.first_start, series.time_zone, series.exdates
        )
    except ActionError:
        return None
    return {s.astimezone(UTC) for s in starts}


def _add_series(cal, series: Series, occurrences: list[Event], stamp, show_link=False):
    """The master VEVENT of `series` and its exceptions, from its (ordered) occurrences.

    Meetings the rule no longer gives (the rule was changed after they were held) are
    written as events of their own, so the master's RRULE stays true.
    """
    tz = series.tz
    in_rule = _rule_starts(series)
    if in_rule is not None:
        outside = [o for o in occurrences if o.recurrence_id not in in_rule]
        for occurrence in outside:
            cal.add_component(
                _vevent(occurrence, event_uid(occurrence), show_link=show_link, stamp=stamp)
            )
        occurrences = [o for o in occurrences if o.recurrence_id in in_rule]
        if not occurrences:
            return
    plain = [o for o in occurrences if not o.is_override and not o.is_cancelled]
    template = plain[0] if plain else occurrences[0]
    master = _vevent(template, series_uid(series), show_link=show_link, stamp=stamp)
    start = _local(series.first_start, tz)
    duration = template.ends_at - template.starts_at
    master["dtstart"] = icalendar.vDDDTypes(start)
    master["dtstart"].params["TZID"] = series.time_zone
    master.pop("dtend")
    master.add("dtend", start + duration)
    master.pop("status")
    master.add("status", "CONFIRMED")
    master.add("rrule", icalendar.vRecur.from_ical(series.rrule))
    if series.exdates:
        master.add(
            "exdate",
            [
                datetime.combine(date.fromisoformat(d), start.time(), tzinfo=tz)
                for d in series.exdates
            ],
        )
    cal.add_component(master)
    for occurrence in occurrences:
        if not _differs_from_rule(occurrence, template):
            continue
        vevent = _vevent(occurrence, series_uid(series), show_link=show_link, stamp=stamp)
        vevent.add("recurrence-id", _local(occurrence.recurrence_id, tz))
        cal.add_component(vevent)


def calendar_for(events, name: str, *, show_link=lambda event: False, expand_series=True):
    """An iCalendar of `events`; with `expand_series`, occurrences of a series become
    its master plus exceptions (every occurrence of those series must be in `events`)."""
    stamp = timezone.now()
    cal = new_calendar(name)
    events = list(events)
    series_members: dict[int, list[Event]] = {}
    for event in events:
        if expand_series and event.series_id:
            series_members.setdefault(event.series_id, []).append(event)
        else:
            cal.add_component(
                _vevent(event, event_uid(event), show_link=show_link(event), stamp=stamp)
            )
    for members in series_members.values():
        members.sort(key=lambda e: e.recurrence_id)
        _add_series(cal, members[0].series, members, stamp)
    return _finish(cal, events)


def series_queryset(series_ids):
    return Event.objects.filter(series_id__in=series_ids).select_related("community", "series")
