"""Every write on events, series, registrations and calendar tokens."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from koinon.communities.models import Membership
from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.events import policy, recurrence
from koinon.events.models import (
    ACTIVE_STATUSES,
    MAX_OCCURRENCES,
    CalendarToken,
    Event,
    Feedback,
    Registration,
    RegistrationStatus,
    Series,
    new_calendar_token,
)
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url, send_templated_mail
from koinon.lib.markdown import render_markdown
from koinon.search.items import sync as search_sync

EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "online_url",
    "venue",
    "address",
    "speaker_names",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "materials",
    "recording_url",
)
# What a whole-series edit copies to every occurrence (times are shifted separately).
SERIES_FIELDS = (
    "kind",
    "title",
    "description",
    "online_url",
    "venue",
    "address",
    "speaker_names",
    "capacity",
)


def _forbidden():
    return Forbidden(_("You are not allowed to do this for this event."))


def _not_found():
    return ActionError(_("Not found."), code="not_found", status=404)


def _check_unknown(fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})


def _check_time_zone(name: str):
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ActionError(
            _("“%(zone)s” is not a known time zone (e.g. Europe/Rome).") % {"zone": name},
            field="time_zone",
            code="invalid_time_zone",
        ) from exc


def _validate(event: Event):
    """Field checks from the model, then the rules between fields, as an ActionError."""
    if not event.time_zone:
        event.time_zone = timezone.get_default_timezone_name()
    _check_time_zone(event.time_zone)
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        value = getattr(event, name)
        if value is not None and timezone.is_naive(value):
            setattr(event, name, timezone.make_aware(value, event.tz))
    if event.capacity is not None and event.capacity <= 0:
        raise ActionError(
            _("The number of places must be at least 1, or empty for no limit."),
            field="capacity",
            code="invalid_capacity",
        )
    try:
        event.full_clean(
            exclude=["community", "group", "series", "created_by", "hosts", "speakers"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        name, errors = next(iter(exc.message_dict.items()))
        raise ActionError(errors[0], field=None if name == "__all__" else name) from exc
    if event.ends_at <= event.starts_at:
        raise ActionError(
            _("The end must come after the start."), field="ends_at", code="end_before_start"
        )
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        raise ActionError(
            _("Registration must close after it opens."),
            field="registration_closes_at",
            code="invalid_window",
        )
    if closes and closes > event.ends_at:
        raise ActionError(
            _("Registration cannot close after the event ends."),
            field="registration_closes_at",
            code="invalid_window",
        )


def _check_people(community, users, field):
    users = list(users or [])
    ids = {u.pk for u in users}
    members = set(
        Membership.objects.filter(community=community, user__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if ids - members:
        raise ActionError(_("Hosts and speakers must be members of the community."), field=field)
    return users


def _check_group(community, group):
    if group is not None and group.community_id != community.pk:
        raise ActionError(_("This group is not in this community."), field="group")


def _render(event: Event):
    event.description_html = render_markdown(event.description)
    event.materials_html = render_markdown(event.materials)


def _window_for(template: Event, start):
    """A series occurrence's registration window: the template's, moved with its start."""
    shift = start - template.starts_at
    opens = template.registration_opens_at + shift if template.registration_opens_at else None
    closes = template.registration_closes_at + shift if template.registration_closes_at else None
    return opens, closes


@transaction.atomic
def do_create_event(
    actor,
    community,
    *,
    group=None,
    hosts=(),
    speakers=(),
    rrule: str = "",
    exdates=(),
    **fields,
) -> Event:
    """A single event, or with `rrule` a series: returns the (first) event."""
    access = access_for(actor, community)
    if not policy.can_create(access, group):
        raise _forbidden()
    _check_unknown(fields)
    _check_group(community, group)
    event = Event(community=community, group=group, created_by=actor, **fields)
    _validate(event)
    hosts = _check_people(community, hosts, "hosts")
    speakers = _check_people(community, speakers, "speakers")
    if actor not in hosts:
        hosts.insert(0, actor)
    _render(event)
    if not rrule:
        event.save()
        event.hosts.set(hosts)
        event.speakers.set(speakers)
        log_activity(actor, "event.created", community=community, target=event)
        search_sync(event)
        return event

    starts = recurrence.occurrences(rrule, event.starts_at, event.time_zone, exdates)
    series = Series.objects.create(
        community=community,
        rrule=recurrence.normalise_rule(rrule, event.time_zone),
        exdates=list(exdates),
        time_zone=event.time_zone,
        first_start=event.starts_at,
        created_by=actor,
    )
    duration = event.ends_at - event.starts_at
    created = []
    for start in starts:
        occurrence = Event(
            **{name: getattr(event, name) for name in EDITABLE_FIELDS},
            description_html=event.description_html,
            materials_html=event.materials_html,
            community=community,
            group=group,
            created_by=actor,
            series=series,
        )
        occurrence.starts_at = start.astimezone(UTC)
        occurrence.ends_at = occurrence.starts_at + duration
        occurrence.recurrence_id = occurrence.starts_at
        occurrence.registration_opens_at, occurrence.registration_closes_at = _window_for(
            event, occurrence.starts_at
        )
        created.append(occurrence)
    Event.objects.bulk_create(created)
    created = list(series.occurrences.order_by("starts_at"))
    Host = Event.hosts.through
    Speaker = Event.speakers.through
    Host.objects.bulk_create([Host(event_id=o.pk, user_id=u.pk) for o in created for u in hosts])
    Speaker.objects.bulk_create(
        [Speaker(event_id=o.pk, user_id=u.pk) for o in created for u in speakers]
    )
    log_activity(
        actor, "event.series_created", community=community, target=created[0], count=len(created)
    )
    search_sync(created[0])
    return created[0]


def _changed(event, fields):
    return [name for name, value in fields.items() if getattr(event, name) != value]


@transaction.atomic
def do_update_event(
    actor, event: Event, *, scope: str = "this", hosts=None, speakers=None, **fields
) -> Event:
    """Edit one event or occurrence (`scope="this"`), or every coming occurrence of its
    series that was not edited on its own (`scope="series"`: content fields and the time
    of day; each occurrence keeps its date)."""
    access = access_for(actor, event.community)
    if not policy.can_manage(access, event):
        raise _forbidden()
    _check_unknown(fields)
    if scope not in ("this", "series"):
        raise ActionError(_("Choose this event or the whole series."), field="scope")
    if scope == "series" and not event.series_id:
        raise ActionError(_("This event is not part of a series."), field="scope")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise Conflict(_("A cancelled event cannot be edited."), code="cancelled")
    old_start, old_end, old_capacity = event.starts_at, event.ends_at, event.capacity
    changed = _changed(event, fields)
    for name in changed:
        setattr(event, name, fields[name])
    _validate(event)
    if hosts is not None:
        hosts = _check_people(event.community, hosts, "hosts")
    if speakers is not None:
        speakers = _check_people(event.community, speakers, "speakers")
    if "description" in changed or "materials" in changed:
        _render(event)
    moved = event.starts_at != old_start or event.ends_at != old_end
    event.sequence += 1
    if scope == "this" and event.series_id:
        event.is_override = True
    event.save()
    if hosts is not None:
        event.hosts.set(hosts)
    if speakers is not None:
        event.speakers.set(speakers)
    if event.capacity is None or (old_capacity is not None and event.capacity > old_capacity):
        _promote(event)
    if moved:
        _notify_registrants(event, "events/email/changed")
    updated = 1
    if scope == "series":
        updated += _update_series(event, old_start, old_end, hosts, speakers)
    log_activity(
        actor,
        "event.edited",
        community=event.community,
        target=event,
        fields=sorted(changed),
        scope=scope,
        count=updated,
    )
    search_sync(event)
    return event


def _update_series(template: Event, old_start, old_end, hosts, speakers) -> int:
    """Copy the template's content and local time of day to the other coming occurrences.

    A new time of day also moves the rule itself: the series' first start and every
    occurrence's RECURRENCE-ID take the new time (one occurrence per local date), so
    the calendar's master event and its exceptions still match.
    """
    tz = template.tz
    new_time = template.local_start.time()
    duration = template.ends_at - template.starts_at
    time_moved = old_start.astimezone(tz).time() != new_time or old_end - old_start != duration
    now = timezone.now()

    def at_new_time(value):
        day = value.astimezone(tz).date()
        return datetime.combine(day, new_time, tzinfo=tz).astimezone(UTC)

    if time_moved:
        series = Series.objects.select_for_update().get(pk=template.series_id)
        series.first_start = at_new_time(series.first_start)
        series.save(update_fields=["first_start"])
    count = 0
    occurrences = Event.objects.select_for_update().filter(series_id=template.series_id)
    for occurrence in occurrences.order_by("recurrence_id"):
        if occurrence.pk == template.pk:
            occurrence = template
        editable = (
            occurrence.pk != template.pk
            and not occurrence.is_override
            and not occurrence.is_cancelled
            and occurrence.starts_at >= now
        )
        fields = []
        if time_moved:
            occurrence.recurrence_id = at_new_time(occurrence.recurrence_id)
            fields.append("recurrence_id")
        if editable:
            for name in SERIES_FIELDS:
                setattr(occurrence, name, getattr(template, name))
            occurrence.description_html = template.description_html
            fields += [*SERIES_FIELDS, "description_html", "sequence", "updated_at"]
            occurrence.sequence += 1
            if time_moved:
                previous_start = occurrence.starts_at
                occurrence.starts_at = occurrence.recurrence_id
                occurrence.ends_at = occurrence.starts_at + duration
                shift = occurrence.starts_at - previous_start
                if occurrence.registration_opens_at:
                    occurrence.registration_opens_at += shift
                if occurrence.registration_closes_at:
                    occurrence.registration_closes_at += shift
                fields += [
                    "starts_at",
                    "ends_at",
                    "registration_opens_at",
                    "registration_closes_at",
                ]
        if fields:
            occurrence.save(update_fields=fields)
        if not editable:
            continue
        if hosts is not None:
            occurrence.hosts.set(hosts)
        if speakers is not None:
            occurrence.speakers.set(speakers)
        _promote(occurrence)
        if time_moved:
            _notify_registrants(occurrence, "events/email/changed")
        count += 1
    return count


def _new_occurrence(template: Event, series: Series, start_utc) -> Event:
    occurrence = Event(
        **{name: getattr(template, name) for name in EDITABLE_FIELDS},
        description_html=template.description_html,
        materials_html="",
        community=template.community,
        group=template.group,
        created_by=template.created_by,
        series=series,
    )
    occurrence.materials = ""
    occurrence.recording_url = ""
    duration = template.ends_at - template.starts_at
    occurrence.starts_at = start_utc
    occurrence.ends_at = start_utc + duration
    occurrence.recurrence_id = start_utc
    occurrence.registration_opens_at, occurrence.registration_closes_at = _window_for(
        template, start_utc
    )
    return occurrence


@transaction.atomic
def do_update_series_rule(actor, event: Event, *, rrule: str, exdates=()) -> dict:
    """Change a series' repeat rule and exceptions after creation.

    The rule still starts at the series' first start. Coming meetings the new rule adds
    are created like the others (content, hosts and speakers of a plain coming
    occurrence); coming meetings it drops are deleted, or cancelled (and their registered
    people told) when somebody registered. Past meetings are history: never touched.
    Returns {"added": n, "removed": n, "cancelled": n, "event": an occurrence still there}.
    """
    access = access_for(actor, event.community)
    if not policy.can_manage(access, event):
        raise _forbidden()
    if not event.series_id:
        raise ActionError(_("This event is not part of a series."), field="rrule")
    series = Series.objects.select_for_update().get(pk=event.series_id)
    exdates = sorted({d if isinstance(d, str) else d.isoformat() for d in exdates})
    rule = recurrence.normalise_rule(rrule, series.time_zone)
    starts = {
        s.astimezone(UTC)
        for s in recurrence.occurrences(rule, series.first_start, series.time_zone, exdates)
    }
    now = timezone.now()
    occurrences = list(
        Event.objects.select_for_update().filter(series=series).order_by("recurrence_id")
    )
    existing = {o.recurrence_id for o in occurrences}
    coming = [o for o in occurrences if o.starts_at >= now and not o.is_cancelled]
    plain = [o for o in coming if not o.is_override]
    template = next((o for o in plain if o.pk == event.pk), None)
    template = template or (plain[0] if plain else (coming[0] if coming else occurrences[-1]))
    dropped = [o for o in coming if o.recurrence_id not in starts]
    added = sorted(start for start in starts if start not in existing and start >= now)
    remaining = len(occurrences) - len(dropped) + len(added)
    if not any(start >= now for start in starts) or remaining > MAX_OCCURRENCES:
        raise ActionError(
            _("The new rule leaves no coming meeting.")
            if remaining <= MAX_OCCURRENCES
            else _("The rule gives more than %(max)d meetings: lower COUNT or UNTIL.")
            % {"max": MAX_OCCURRENCES},
            code="invalid_rrule",
            field="rrule",
        )
    hosts = list(template.hosts.all())
    speakers = list(template.speakers.all())
    removed = cancelled = 0
    for occurrence in dropped:
        active = Registration.objects.filter(event=occurrence, status__in=ACTIVE_STATUSES)
        if active.exists():
            occurrence.cancelled_at = now
            occurrence.sequence += 1
            occurrence.save(update_fields=["cancelled_at", "sequence", "updated_at"])
            _notify_registrants(occurrence, "events/email/cancelled")
            cancelled += 1
        else:
            occurrence.delete()
            removed += 1
    new = [_new_occurrence(template, series, start) for start in added]
    Event.objects.bulk_create(new)
    created = list(
        Event.objects.filter(series=series, recurrence_id__in=[o.recurrence_id for o in new])
    )
    Host, Speaker = Event.hosts.through, Event.speakers.through
    Host.objects.bulk_create([Host(event_id=o.pk, user_id=u.pk) for o in created for u in hosts])
    Speaker.objects.bulk_create(
        [Speaker(event_id=o.pk, user_id=u.pk) for o in created for u in speakers]
    )
    series.rrule, series.exdates = rule, exdates
    series.save(update_fields=["rrule", "exdates"])
    result = {"added": len(created), "removed": removed, "cancelled": cancelled}
    survivors = Event.objects.filter(series=series).order_by("starts_at")
    target = (
        survivors.filter(pk=event.pk).first()
        or survivors.filter(starts_at__gte=now, cancelled_at__isnull=True).first()
        or survivors.last()
    )
    log_activity(
        actor,
        "event.series_rule_edited",
        community=event.community,
        target=target,
        rrule=rule,
        **result,
    )
    search_sync(target)
    result["event"] = target
    return result


@transaction.atomic
def do_cancel_event(actor, event: Event, *, scope: str = "this") -> int:
    """Cancel one event or occurrence, or every coming occurrence of its series; the
    registered people are told. Returns how many were cancelled."""
    access = access_for(actor, event.community)
    if not policy.can_manage(access, event):
        raise _forbidden()
    if scope not in ("this", "series"):
        raise ActionError(_("Choose this event or the whole series."), field="scope")
    if scope == "series" and not event.series_id:
        raise ActionError(_("This event is not part of a series."), field="scope")
    now = timezone.now()
    if scope == "this":
        targets = Event.objects.select_for_update().filter(pk=event.pk, cancelled_at__isnull=True)
    else:
        targets = Event.objects.select_for_update().filter(
            series_id=event.series_id, cancelled_at__isnull=True, ends_at__gt=now
        )
    targets = list(targets)
    if not targets:
        raise Conflict(_("This event is already cancelled."), code="already_cancelled")
    for target in targets:
        target.cancelled_at = now
        target.sequence += 1
        target.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        _notify_registrants(target, "events/email/cancelled")
    log_activity(
        actor,
        "event.cancelled",
        community=event.community,
        target=event,
        scope=scope,
        count=len(targets),
    )
    search_sync(targets[0])  # a series is re-indexed whole
    return len(targets)


# --- Registration -------------------------------------------------------------------


def registration_problem(event: Event, now=None) -> str | None:
    """Why nobody can register now, or None if registration is open."""
    now = now or timezone.now()
    if event.is_cancelled:
        return _("This event has been cancelled.")
    if event.starts_at <= now:
        return _("This event has already started or is over.")
    if event.registration_opens_at and now < event.registration_opens_at:
        opens = timezone.localtime(event.registration_opens_at, event.tz)
        return _("Registration opens on %(when)s.") % {
            "when": date_format(opens, "DATETIME_FORMAT")
        }
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Registration is closed.")
    return None


def _active(event, user):
    return Registration.objects.filter(event=event, user=user, status__in=ACTIVE_STATUSES).first()


@transaction.atomic
def do_register(actor, event: Event) -> Registration:
    """Register `actor`: confirmed while there are places, else on the wait list."""
    access = access_for(actor, event.community)
    if not policy.can_view(access):
        raise _not_found()
    if not policy.can_register(access):
        raise Forbidden(_("Join the community to register for its events."), code="not_member")
    # The event row is the lock: concurrent registrations are served one at a time, so
    # the last place is never given twice.
    event = Event.objects.select_for_update().get(pk=event.pk)
    problem = registration_problem(event)
    if problem:
        raise Conflict(problem, code="registration_closed")
    if _active(event, actor):
        raise Conflict(_("You are already registered for this event."), code="already_registered")
    registrations = Registration.objects.filter(event=event)
    last = registrations.aggregate(last=Max("position"))["last"] or 0
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITLISTED).exists()
    full = event.capacity is not None and (confirmed >= event.capacity or waiting)
    status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event, user=actor, status=status, position=last + 1
            )
    except IntegrityError as exc:
        raise Conflict(
            _("You are already registered for this event."), code="already_registered"
        ) from exc
    log_activity(
        actor,
        "event.registered",
        community=event.community,
        target=event,
        is_private=True,
        status=status,
    )
    return registration


@transaction.atomic
def do_cancel_registration(actor, event: Event) -> Registration:
    """Withdraw `actor`; a freed place goes to the first person on the wait list."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    registration = _active(event, actor)
    if registration is None:
        raise ActionError(
            _("You are not registered for this event."), code="not_registered", status=409
        )
    if event.is_past:
        raise Conflict(_("This event is over."), code="event_over")
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        _promote(event)
    log_activity(
        actor,
        "event.registration_cancelled",
        community=event.community,
        target=event,
        is_private=True,
    )
    return registration


def _promote(event: Event) -> list[Registration]:
    """Fill free places from the wait list, in order; call with the event row locked."""
    if event.is_cancelled or event.is_past:
        return []
    registrations = Registration.objects.filter(event=event)
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("position")
    if event.capacity is not None:
        free = event.capacity - confirmed
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        transaction.on_commit(lambda r=registration: _send_promoted(r, event))
    return promoted


def _mail_context(event: Event, user) -> dict:
    return {
        "event": event,
        "person": user,
        # Naive local times: templates would otherwise show them in the server's zone.
        "start": timezone.make_naive(event.starts_at, event.tz),
        "end": timezone.make_naive(event.ends_at, event.tz),
        "event_url": absolute_url(event.get_absolute_url()),
    }


def _send_promoted(registration: Registration, event: Event):
    user = registration.user
    send_templated_mail(
        user.email, "events/email/promoted", _mail_context(event, user), user.language or None
    )


def _notify_registrants(event: Event, template: str):
    registrations = Registration.objects.filter(
        event=event, status__in=ACTIVE_STATUSES
    ).select_related("user")
    for registration in registrations:
        user = registration.user

        def send(user=user):
            send_templated_mail(
                user.email, template, _mail_context(event, user), user.language or None
            )

        transaction.on_commit(send)


# --- Attendance and feedback -----------------------------------------------------------

CHECK_IN_OPENS = timedelta(minutes=30)


def _check_in_window(event: Event, now):
    if event.is_cancelled:
        raise Conflict(_("This event has been cancelled."), code="cancelled")
    if now < event.starts_at - CHECK_IN_OPENS:
        raise Conflict(_("Check-in opens 30 minutes before the start."), code="check_in_not_open")


@transaction.atomic
def do_check_in(actor, event: Event, person) -> Registration:
    """A host marks `person` (registered, confirmed) as present."""
    access = access_for(actor, event.community)
    if not policy.can_manage(access, event):
        raise _forbidden()
    now = timezone.now()
    _check_in_window(event, now)
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, user=person, status=RegistrationStatus.CONFIRMED)
        .first()
    )
    if registration is None:
        raise ActionError(
            _("This person has no confirmed place at this event."),
            code="not_registered",
            status=409,
        )
    if registration.attended_at is None:
        registration.attended_at = now
        registration.checked_in_by = actor
        registration.save(update_fields=["attended_at", "checked_in_by"])
        log_activity(
            actor,
            "event.checked_in",
            community=event.community,
            target=event,
            is_private=True,
            person=person.pk,
        )
    return registration


@transaction.atomic
def do_self_check_in(actor, event: Event, code: str) -> Registration:
    """Check oneself in with the code shown at the event."""
    now = timezone.now()
    _check_in_window(event, now)
    if event.ends_at + timedelta(hours=1) < now:
        raise Conflict(_("This event is over."), code="event_over")
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, user=actor, status=RegistrationStatus.CONFIRMED)
        .first()
    )
    if registration is None:
        raise ActionError(
            _("You have no confirmed place at this event."), code="not_registered", status=409
        )
    if (code or "").strip().upper() != event.check_in_code:
        raise ActionError(
            _("This code is not right: check the one shown at the event."),
            code="wrong_code",
            field="code",
        )
    if registration.attended_at is None:
        registration.attended_at = now
        registration.save(update_fields=["attended_at"])
        log_activity(
            actor, "event.checked_in", community=event.community, target=event, is_private=True
        )
    return registration


@transaction.atomic
def do_give_feedback(actor, event: Event, *, rating, comment: str = "") -> Feedback:
    """1–5 and a comment, from someone who attended; giving it again replaces it."""
    attended = Registration.objects.filter(
        event=event, user=actor, attended_at__isnull=False
    ).exists()
    if not attended:
        raise Forbidden(_("Only people who attended can give feedback."), code="not_attended")
    if event.starts_at > timezone.now():
        raise Conflict(_("Feedback opens when the event starts."), code="too_early")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ActionError(_("Choose a rating from 1 to 5."), field="rating", code="invalid_rating")
    comment = (comment or "").strip()
    if len(comment) > 4000:
        raise ActionError(_("The comment is too long (at most 4000 characters)."), field="comment")
    feedback, _created = Feedback.objects.update_or_create(
        event=event, user=actor, defaults={"rating": rating, "comment": comment}
    )
    log_activity(actor, "event.feedback", community=event.community, target=event, is_private=True)
    return feedback


# --- Personal calendar ---------------------------------------------------------------


def calendar_token_for(user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def do_regenerate_calendar_token(actor) -> CalendarToken:
    """A new secret address for the personal calendar; the old one stops working."""
    token, created = CalendarToken.objects.select_for_update().get_or_create(user=actor)
    if not created:
        token.token = new_calendar_token()
        token.created_at = timezone.now()
        token.save(update_fields=["token", "created_at"])
    log_activity(actor, "events.calendar_token_regenerated", is_private=True)
    return token


def event_ends_default(starts_at):
    return starts_at + timedelta(hours=1)
