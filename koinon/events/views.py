"""Event pages: lists, month calendar, event page with HTMX registration, editing,
the registration list (and CSV), and the iCalendar files and feeds."""

import calendar
import csv
import zoneinfo
from collections import defaultdict
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.accounts.models import User
from koinon.communities.models import GroupMembership, GroupRole
from koinon.communities.policy import access_for, get_community_for
from koinon.events import actions, ics, policy
from koinon.events.forms import (
    CheckInForm,
    EventForm,
    FeedbackForm,
    ScopeForm,
    SeriesRuleForm,
    local_initial,
)
from koinon.events.models import (
    ACTIVE_STATUSES,
    CalendarToken,
    Event,
    Feedback,
    Registration,
    RegistrationStatus,
)
from koinon.events.recurrence import parse_exdates
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.lib.mail import absolute_url

EVENTS_PER_PAGE = 20
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500


def _community_events(request, slug):
    """The community, the access, or a login/403/404 for who may not read its events."""
    community, access = get_community_for(request.user, slug)
    if not policy.can_view(access):
        if not request.user.is_authenticated:
            raise _LoginNeeded
        raise PermissionDenied
    return community, access


class _LoginNeeded(Exception):
    pass


def _guard(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _with_counts(events):
    return events.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


# --- Lists ------------------------------------------------------------------------------


@_guard
def event_list(request, slug):
    community, access = _community_events(request, slug)
    past = request.GET.get("when") == "past"
    now = timezone.now()
    events = Event.objects.filter(community=community).select_related("group")
    if past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    page = paginate(request, _with_counts(events), EVENTS_PER_PAGE)
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Registration.objects.filter(
                user=request.user, event__in=[e.pk for e in page], status__in=ACTIVE_STATUSES
            ).values_list("event_id", "status")
        )
    for event in page:
        event.my_status = mine.get(event.pk)
    context = {
        "community": community,
        "access": access,
        "page": page,
        "past": past,
        "can_create": policy.can_create(access),
        "today": timezone.localdate(),
    }
    return render(request, "events/event_list.html", context)


@_guard
def event_month(request, slug, year=None, month=None):
    community, access = _community_events(request, slug)
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404
    first = date(year, month, 1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(
        timezone.datetime.combine(weeks[0][0] - timedelta(days=1), timezone.datetime.min.time()),
        tz,
    )
    end = start + timedelta(days=len(weeks) * 7 + 2)
    events = Event.objects.filter(
        community=community, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")[:400]
    by_day = defaultdict(list)
    for event in events:
        by_day[event.local_start.date()].append(event)
    previous = first - timedelta(days=1)
    following = first + timedelta(days=32)
    context = {
        "community": community,
        "access": access,
        "month": first,
        "weeks": [[(day, by_day.get(day, []), day.month == month) for day in w] for w in weeks],
        "has_events": any(day.month == month for day in by_day),
        "weekdays": [weeks[0][i] for i in range(7)],
        "previous": previous,
        "following": following,
        "today": today,
    }
    return render(request, "events/event_month.html", context)


# --- One event -------------------------------------------------------------------------


def _event_context(request, event, access):
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(
            event=event, user=request.user, status__in=ACTIVE_STATUSES
        ).first()
    counts = dict(
        Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    can_manage = policy.can_manage(access, event)
    problem = actions.registration_problem(event)
    now = timezone.now()
    is_confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    attended = is_confirmed and registration.attended_at is not None
    return {
        "attended": attended,
        "can_self_check_in": is_confirmed
        and not attended
        and not event.is_cancelled
        and event.starts_at - actions.CHECK_IN_OPENS <= now <= event.ends_at + timedelta(hours=1),
        "can_give_feedback": attended and event.starts_at <= now,
        "event": event,
        "community": event.community,
        "access": access,
        "registration": registration,
        "confirmed_count": confirmed,
        "waitlist_count": counts.get(RegistrationStatus.WAITLISTED, 0),
        "places_left": None if event.capacity is None else max(event.capacity - confirmed, 0),
        "problem": problem,
        "can_manage": can_manage,
        "can_register": policy.can_register(access) and not problem and registration is None,
        "show_link": can_manage
        or (registration is not None and registration.status == RegistrationStatus.CONFIRMED),
    }


def event_detail(request, slug, pk, *, feedback_form=None, check_in_form=None, status=200):
    event, access = policy.get_event_for(request.user, pk, slug)
    context = _event_context(request, event, access)
    context["hosts"] = list(event.hosts.select_related("profile"))
    context["speakers"] = list(event.speakers.select_related("profile"))
    if context["can_give_feedback"] and feedback_form is None:
        mine = Feedback.objects.filter(event=event, user=request.user).first()
        initial = {"rating": mine.rating, "comment": mine.comment} if mine else None
        feedback_form = FeedbackForm(initial=initial)
        context["my_feedback"] = mine
    context["feedback_form"] = feedback_form
    context["check_in_form"] = check_in_form or CheckInForm()
    context["reader_time_zone"] = _reader_time_zone(request.user, event)
    return render(request, "events/event_detail.html", context, status=status)


def _reader_time_zone(user, event) -> str | None:
    """The reader's own zone (from their profile) when it differs from the event's."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    name = getattr(profile, "time_zone", "") or ""
    if not name or name == event.time_zone:
        return None
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    if event.starts_at.astimezone(zone).utcoffset() == event.local_start.utcoffset():
        return None  # same clock time: nothing to add
    return name


@login_required
@require_POST
def event_self_check_in(request, slug, pk):
    event, _access = policy.get_event_for(request.user, pk, slug)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            actions.do_self_check_in(request.user, event, form.cleaned_data["code"])
        except ActionError as error:
            form.add_error("code" if error.field == "code" else None, str(error.message))
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect(event.get_absolute_url())
    return event_detail(request, slug, pk, check_in_form=form, status=400)


@login_required
@require_POST
def event_feedback(request, slug, pk):
    event, _access = policy.get_event_for(request.user, pk, slug)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.do_give_feedback(request.user, event, **form.cleaned_data)
        except ActionError as error:
            if error.status == 403:
                raise PermissionDenied from error
            _form_error(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(event.get_absolute_url())
    return event_detail(request, slug, pk, feedback_form=form, status=400)


def _registration_response(request, event, access, error=None, status=200):
    context = _event_context(request, event, access)
    context["error"] = error
    if is_htmx(request):
        return render(request, "events/partials/registration.html", context, status=status)
    if error:
        messages.error(request, error)
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def event_register(request, slug, pk):
    event, access = policy.get_event_for(request.user, pk, slug)
    try:
        registration = actions.do_register(request.user, event)
    except ActionError as error:
        return _registration_response(request, event, access, str(error.message), error.status)
    if not is_htmx(request):
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("You are registered."))
        else:
            messages.info(request, _("The event is full: you are on the wait list."))
    return _registration_response(request, event, access)


@login_required
@require_POST
def event_unregister(request, slug, pk):
    event, access = policy.get_event_for(request.user, pk, slug)
    try:
        actions.do_cancel_registration(request.user, event)
    except ActionError as error:
        return _registration_response(request, event, access, str(error.message), error.status)
    if not is_htmx(request):
        messages.success(request, _("Your registration is cancelled."))
    return _registration_response(request, event, access)


# --- Create and edit -------------------------------------------------------------------


def _members(community):
    return (
        User.objects.filter(memberships__community=community, is_active=True)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _event_fields(data):
    return {
        name: data[name]
        for name in (
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
        if name in data
    }


@login_required
def event_create(request, slug):
    community, access = get_community_for(request.user, slug)
    leads_a_group = GroupMembership.objects.filter(
        group__community=community, user=request.user, role=GroupRole.LEADER
    ).exists()
    if not policy.can_create(access) and not leads_a_group:
        raise PermissionDenied
    form = EventForm(request.POST or None, community=community, members=_members(community))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = actions.do_create_event(
                request.user,
                community,
                group=data["group"],
                hosts=list(data["hosts"]),
                speakers=list(data["speakers"]),
                rrule=data["rrule"],
                exdates=parse_exdates(data["exdates"]),
                **_event_fields(data),
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The event is published."))
            return redirect(event.get_absolute_url())
    if request.method == "POST":
        return render(
            request, "events/event_form.html", {"form": form, "community": community}, status=400
        )
    return render(request, "events/event_form.html", {"form": form, "community": community})


@login_required
def event_edit(request, slug, pk):
    event, access = policy.get_event_for(request.user, pk, slug)
    if not policy.can_manage(access, event):
        raise PermissionDenied
    community = event.community
    tz = event.tz
    initial = {
        name: getattr(event, name)
        for name in (
            "kind",
            "title",
            "description",
            "time_zone",
            "online_url",
            "venue",
            "address",
            "speaker_names",
            "capacity",
            "materials",
            "recording_url",
        )
    }
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        initial[name] = local_initial(getattr(event, name), tz)
    initial["hosts"] = list(event.hosts.all())
    initial["speakers"] = list(event.speakers.all())
    form = EventForm(
        request.POST or None,
        initial=initial,
        community=community,
        members=_members(community),
        with_recurrence=False,
    )
    scope_form = ScopeForm(request.POST or None) if event.series_id else None
    context = {"form": form, "scope_form": scope_form, "community": community, "event": event}
    if request.method == "POST":
        scope = "this"
        if scope_form is not None:
            scope = scope_form.data.get("scope") or "this"
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_update_event(
                    request.user,
                    event,
                    scope=scope,
                    hosts=list(data["hosts"]),
                    speakers=list(data["speakers"]),
                    **_event_fields(data),
                )
            except ActionError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The event is updated."))
                return redirect(event.get_absolute_url())
        return render(request, "events/event_form.html", context, status=400)
    return render(request, "events/event_form.html", context)


@login_required
def event_series_rule(request, slug, pk):
    """Change the repeat rule and exceptions of an occurrence's series."""
    event, access = policy.get_event_for(request.user, pk, slug)
    if not policy.can_manage(access, event):
        raise PermissionDenied
    if not event.series_id:
        raise Http404
    series = event.series
    initial = {"rrule": series.rrule, "exdates": ", ".join(series.exdates)}
    form = SeriesRuleForm(request.POST or None, initial=initial)
    context = {
        "form": form,
        "community": event.community,
        "event": event,
        "series": series,
        "first_start": timezone.make_naive(series.first_start, series.tz),
    }
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = actions.do_update_series_rule(
                    request.user,
                    event,
                    rrule=data["rrule"],
                    exdates=parse_exdates(data["exdates"]),
                )
            except ActionError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The series is updated. Meetings added: %(added)d, removed: "
                        "%(removed)d, cancelled: %(cancelled)d (their registered people are told)."
                    )
                    % result,
                )
                return redirect(result["event"].get_absolute_url())
        return render(request, "events/series_form.html", context, status=400)
    return render(request, "events/series_form.html", context)


@login_required
def event_cancel(request, slug, pk):
    event, access = policy.get_event_for(request.user, pk, slug)
    if not policy.can_manage(access, event):
        raise PermissionDenied
    scope_form = ScopeForm(request.POST or None) if event.series_id else None
    error = None
    if request.method == "POST":
        scope = scope_form.data.get("scope", "this") if scope_form is not None else "this"
        try:
            count = actions.do_cancel_event(request.user, event, scope=scope)
        except ActionError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Cancelled; the registered people are told by e-mail.")
                if count == 1
                else _("%(count)d meetings cancelled; the registered people are told by e-mail.")
                % {"count": count},
            )
            return redirect(event.get_absolute_url())
    return render(
        request,
        "events/event_cancel.html",
        {"event": event, "community": event.community, "scope_form": scope_form, "error": error},
        status=error.status if error else 200,
    )


# --- Registrations for hosts -----------------------------------------------------------


def _managed_event(request, slug, pk):
    event, access = policy.get_event_for(request.user, pk, slug)
    if not policy.can_manage(access, event):
        raise PermissionDenied
    return event


@login_required
def registration_list(request, slug, pk):
    event = _managed_event(request, slug, pk)
    registrations = (
        Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        .select_related("user__profile")
        .order_by("position")
    )
    feedback = Feedback.objects.filter(event=event).select_related("user__profile")
    summary = feedback.aggregate(average=Avg("rating"), count=Count("pk"))
    return render(
        request,
        "events/registration_list.html",
        {
            "event": event,
            "community": event.community,
            "registrations": registrations,
            "feedback": feedback.order_by("-created_at")[:100],
            "summary": summary,
            "attended_count": sum(1 for r in registrations if r.attended_at),
        },
    )


@login_required
@require_POST
def registration_check_in(request, slug, pk, user_id):
    event = _managed_event(request, slug, pk)
    person = User.objects.filter(pk=user_id).first()
    error = None
    registration = None
    if person is None:
        raise Http404
    try:
        registration = actions.do_check_in(request.user, event, person)
    except ActionError as exc:
        error = exc
    if not is_htmx(request):
        if error:
            messages.error(request, str(error.message))
        return redirect("event-registrations", slug, pk)
    registration = registration or (
        Registration.objects.filter(event=event, user=person, status__in=ACTIVE_STATUSES)
        .select_related("user__profile")
        .first()
    )
    if registration is None:
        raise Http404
    return render(
        request,
        "events/partials/registration_row.html",
        {"r": registration, "event": event, "community": event.community, "error": error},
        status=error.status if error else 200,
    )


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def registration_csv(request, slug, pk):
    event = _managed_event(request, slug, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-registrations.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Position"), _("Name"), _("E-mail"), _("Status"), _("Registered")])
    registrations = (
        Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        .select_related("user__profile")
        .order_by("position")
    )
    for registration in registrations:
        writer.writerow(
            [
                registration.position,
                _csv_cell(registration.user.display_name),
                _csv_cell(registration.user.email),
                registration.get_status_display(),
                timezone.localtime(registration.created_at, event.tz).isoformat(),
            ]
        )
    return response


# --- Calendars -------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def event_ics(request, slug, pk):
    """One event, or one occurrence taken on its own."""
    event, access = policy.get_event_for(request.user, pk, slug)
    show = _event_context(request, event, access)["show_link"]
    body = ics.calendar_for([event], event.title, show_link=lambda e: show)
    return _ics_response(body, f"event-{event.pk}.ics")


def series_ics(request, slug, pk):
    """The whole series of an occurrence: RRULE, EXDATE and the exceptions."""
    event, access = policy.get_event_for(request.user, pk, slug)
    if not event.series_id:
        raise Http404
    occurrences = Event.objects.filter(series_id=event.series_id).select_related(
        "community", "series"
    )
    body = ics.calendar_for(occurrences, event.title)
    return _ics_response(body, f"series-{event.series_id}.ics")


def community_feed(request, slug):
    """Every recent and coming event; for non-members of a private or secret community 404."""
    community, access = get_community_for(request.user, slug)
    if not policy.can_view(access):
        raise Http404
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    recent = Event.objects.filter(community=community, ends_at__gte=since)
    series_ids = set(recent.exclude(series=None).values_list("series_id", flat=True))
    events = (
        Event.objects.filter(
            Q(community=community, series=None, ends_at__gte=since) | Q(series_id__in=series_ids)
        )
        .select_related("community", "series")
        .order_by("starts_at")[:FEED_MAX_EVENTS]
    )
    return _ics_response(ics.calendar_for(events, community.name), f"{community.slug}.ics")


def personal_feed(request, token):
    """The events a person registered for, at a secret address (no login needed)."""
    owner = CalendarToken.objects.select_related("user").filter(token=token).first()
    if owner is None or not owner.user.is_active:
        raise Http404
    user = owner.user
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    registrations = (
        Registration.objects.filter(
            user=user, status__in=ACTIVE_STATUSES, event__ends_at__gte=since
        )
        .select_related("event__community", "event__series")
        .order_by("event__starts_at")[:FEED_MAX_EVENTS]
    )
    # Only events the person may still read (they may have left a private community).
    allowed = {}
    events, confirmed = [], set()
    for registration in registrations:
        event = registration.event
        if event.community_id not in allowed:
            allowed[event.community_id] = policy.can_view(access_for(user, event.community))
        if allowed[event.community_id]:
            events.append(event)
            if registration.status == RegistrationStatus.CONFIRMED:
                confirmed.add(event.pk)
    body = ics.calendar_for(
        events,
        _("Koinon: my events"),
        show_link=lambda e: e.pk in confirmed,
        expand_series=False,
    )
    response = _ics_response(body, "koinon.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def my_calendar(request):
    token = actions.calendar_token_for(request.user)
    if request.method == "POST":
        token = actions.do_regenerate_calendar_token(request.user)
        messages.success(request, _("New address created: the old one no longer works."))
        return redirect("events-my-calendar")
    feed_url = absolute_url(reverse("events-personal-feed", args=[token.token]))
    return render(request, "events/my_calendar.html", {"feed_url": feed_url})
