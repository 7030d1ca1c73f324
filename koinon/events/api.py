"""API endpoints for events and registrations.

Everything goes through the events policy and the same actions as the pages: events
of private and secret communities are 404 for non-members, the online link is given
only to hosts, moderators and people with a confirmed place. Times are ISO 8601; a
time without an offset is read in the event's `time_zone`.
"""

from datetime import datetime
from typing import Literal

from django.db.models import Avg
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.accounts.models import User
from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.policy import get_community_for
from koinon.events import actions, policy, recurrence, views
from koinon.events.models import (
    ACTIVE_STATUSES,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Event,
    EventKind,
    Feedback,
    Registration,
)
from koinon.lib.errors import ActionError

router = Router(tags=["events"])

Kind = Literal[tuple(EventKind.values)]
Scope = Literal["this", "series"]


# --- Schemas ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    display_name: str


class EventOut(Schema):
    id: int
    community: str
    group: str | None
    series_id: int | None
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    local_start: str = Field(..., description="Start in the event's zone, ISO 8601.")
    local_end: str
    venue: str
    address: str
    online: bool = Field(..., description="Whether there is an online link.")
    capacity: int | None
    confirmed_count: int
    waitlist_count: int
    cancelled: bool
    url: str
    ics_url: str


class EventDetailOut(EventOut):
    description: str
    description_html: str
    online_url: str | None = Field(
        None, description="Only for hosts, moderators and people with a confirmed place."
    )
    hosts: list[PersonOut]
    speakers: list[PersonOut]
    speaker_names: list[str]
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    registration_open: bool
    registration_problem: str | None
    my_registration: str | None = Field(None, description="confirmed, waitlisted or null.")
    can: dict[str, bool]


class EventPage(PageOut):
    items: list[EventOut]


class EventIn(Input):
    kind: Kind = EventKind.MEETUP
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    starts_at: datetime
    ends_at: datetime
    time_zone: str | None = Field(None, max_length=64, description="IANA name; default the site's.")
    online_url: str = Field("", max_length=500)
    venue: str = Field("", max_length=200)
    address: str = Field("", max_length=300)
    speaker_names: str = Field("", max_length=500)
    capacity: int | None = Field(None, description="Null for no limit.")
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    group: str | None = Field(None, max_length=60, description="A group's slug.")
    hosts: list[int] = Field([], max_length=50, description="Member ids.")
    speakers: list[int] = Field([], max_length=50, description="Member ids.")
    rrule: str = Field("", max_length=500, description="e.g. FREQ=WEEKLY;COUNT=10")
    exdates: list[str] = Field([], max_length=200, description="Local dates YYYY-MM-DD.")


class EventPatch(Input):
    kind: Kind | None = None
    title: str | None = Field(None, max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str | None = Field(None, max_length=64)
    online_url: str | None = Field(None, max_length=500)
    venue: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    speaker_names: str | None = Field(None, max_length=500)
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    hosts: list[int] | None = Field(None, max_length=50)
    speakers: list[int] | None = Field(None, max_length=50)


NULLABLE = {"capacity", "registration_opens_at", "registration_closes_at"}


class ScopeIn(Input):
    scope: Scope = "this"


class SeriesRuleIn(Input):
    rrule: str = Field(..., max_length=500, description="e.g. FREQ=WEEKLY;COUNT=10")
    exdates: list[str] = Field([], max_length=200, description="Local dates YYYY-MM-DD.")


class SeriesRuleOut(Schema):
    series_id: int
    rrule: str
    exdates: list[str]
    added: int = Field(..., description="Coming meetings created.")
    removed: int = Field(..., description="Coming meetings deleted (nobody had registered).")
    cancelled: int = Field(..., description="Coming meetings cancelled (registrants told).")
    event_id: int = Field(..., description="An occurrence of the series still there.")


class EventFilters(Schema):
    when: Literal["upcoming", "past"] = "upcoming"
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class RegistrationOut(Schema):
    event_id: int
    status: str
    position: int
    created_at: datetime
    attended_at: datetime | None = None


class CheckInIn(Input):
    code: str | None = Field(None, max_length=12, description="Check myself in with the code.")
    user_id: int | None = Field(None, description="Hosts: check this person in.")


class FeedbackIn(Input):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=4000)


class FeedbackOut(Schema):
    rating: int
    comment: str
    person: PersonOut
    created_at: datetime


class FeedbackPage(PageOut):
    average: float | None
    items: list[FeedbackOut]


class RegistrationRow(RegistrationOut):
    person: PersonOut


class RegistrationPage(PageOut):
    items: list[RegistrationRow]


class CancelledOut(Schema):
    cancelled: int


# --- Shaping ---------------------------------------------------------------------------


def _person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name}


def _event(event, confirmed=None, waiting=None) -> dict:
    tz = event.tz
    return {
        "id": event.pk,
        "community": event.community.slug,
        "group": event.group.slug if event.group else None,
        "series_id": event.series_id,
        "kind": event.kind,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "local_start": timezone.localtime(event.starts_at, tz).isoformat(),
        "local_end": timezone.localtime(event.ends_at, tz).isoformat(),
        "venue": event.venue,
        "address": event.address,
        "online": bool(event.online_url),
        "capacity": event.capacity,
        "confirmed_count": event.confirmed_count if confirmed is None else confirmed,
        "waitlist_count": event.waitlist_count if waiting is None else waiting,
        "cancelled": event.is_cancelled,
        "url": event.get_absolute_url(),
        "ics_url": f"{event.get_absolute_url()}event.ics",
    }


def _detail(request, event, access) -> dict:
    event = Event.objects.select_related("community", "group").get(pk=event.pk)
    context = views._event_context(request, event, access)
    data = _event(event, context["confirmed_count"], context["waitlist_count"])
    registration = context["registration"]
    data.update(
        description=event.description,
        description_html=event.description_html,
        online_url=event.online_url if context["show_link"] else None,
        hosts=[_person(u) for u in event.hosts.select_related("profile")],
        speakers=[_person(u) for u in event.speakers.select_related("profile")],
        speaker_names=event.speaker_name_list,
        registration_opens_at=event.registration_opens_at,
        registration_closes_at=event.registration_closes_at,
        registration_open=context["problem"] is None,
        registration_problem=context["problem"],
        my_registration=registration.status if registration else None,
        can={
            "register": context["can_register"],
            "manage": context["can_manage"],
        },
    )
    return data


def _people(ids, field):
    users = list(User.objects.filter(pk__in=set(ids)))
    if len(users) != len(set(ids)):
        raise ActionError(_("Hosts and speakers must be members of the community."), field=field)
    return users


def _event_for(request, event_id):
    return policy.get_event_for(request.user, event_id)


# --- Events ----------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/events",
    response={200: EventPage, **ERRORS},
    auth=optional_auth,
    summary="Coming (or past) events of a community",
)
def list_events(request, slug: str, filters: Query[EventFilters]):
    community, access = get_community_for(request.user, slug)
    if not policy.can_view(access):
        raise Http404
    now = timezone.now()
    events = Event.objects.filter(community=community).select_related("community", "group")
    if filters.when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    result = paginate(views._with_counts(events), filters.page, filters.page_size)
    result["items"] = [_event(e) for e in result["items"]]
    return result


@router.post(
    "/communities/{slug}/events",
    response={201: EventDetailOut, **ERRORS},
    summary="Create an event, or a series with `rrule` (mentors, moderators, group leaders)",
)
def create_event(request, slug: str, payload: EventIn):
    community, access = get_community_for(request.user, slug)
    if not policy.can_view(access):
        raise Http404
    group = None
    if payload.group:
        group = get_object_or_404(community.groups, slug=payload.group)
    fields = payload.model_dump(exclude={"group", "hosts", "speakers", "rrule", "exdates"})
    if fields["time_zone"] is None:
        fields["time_zone"] = timezone.get_default_timezone_name()
    event = actions.do_create_event(
        request.user,
        community,
        group=group,
        hosts=_people(payload.hosts, "hosts"),
        speakers=_people(payload.speakers, "speakers"),
        rrule=payload.rrule,
        exdates=recurrence.parse_exdates(" ".join(payload.exdates)),
        **fields,
    )
    return Status(201, _detail(request, event, access))


@router.get(
    "/events/{int:event_id}",
    response={200: EventDetailOut, **ERRORS},
    auth=optional_auth,
    summary="One event",
)
def get_event(request, event_id: int):
    event, access = _event_for(request, event_id)
    return _detail(request, event, access)


@router.patch(
    "/events/{int:event_id}",
    response={200: EventDetailOut, **ERRORS},
    summary="Edit an event, or (scope=series) every coming meeting of its series",
)
def update_event(request, event_id: int, payload: EventPatch, scope: Scope = "this"):
    event, access = _event_for(request, event_id)
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            raise ActionError(_("This field may not be null."), field=name)
    hosts = changes.pop("hosts", None)
    speakers = changes.pop("speakers", None)
    event = actions.do_update_event(
        request.user,
        event,
        scope=scope,
        hosts=None if hosts is None else _people(hosts, "hosts"),
        speakers=None if speakers is None else _people(speakers, "speakers"),
        **changes,
    )
    return _detail(request, event, access)


@router.post(
    "/events/{int:event_id}/cancel",
    response={200: CancelledOut, **ERRORS},
    summary="Cancel an event, or (scope=series) every coming meeting of its series",
)
def cancel_event(request, event_id: int, payload: ScopeIn):
    event, _access = _event_for(request, event_id)
    return {"cancelled": actions.do_cancel_event(request.user, event, scope=payload.scope)}


@router.put(
    "/events/{int:event_id}/series",
    response={200: SeriesRuleOut, **ERRORS},
    summary="Change the repeat rule and exceptions of the event's series (hosts, moderators)",
)
def update_series_rule(request, event_id: int, payload: SeriesRuleIn):
    event, _access = _event_for(request, event_id)
    result = actions.do_update_series_rule(
        request.user,
        event,
        rrule=payload.rrule,
        exdates=recurrence.parse_exdates(" ".join(payload.exdates)),
    )
    series = result["event"].series
    return {
        "series_id": series.pk,
        "rrule": series.rrule,
        "exdates": series.exdates,
        "added": result["added"],
        "removed": result["removed"],
        "cancelled": result["cancelled"],
        "event_id": result["event"].pk,
    }


# --- Registrations ---------------------------------------------------------------------


@router.get(
    "/events/{int:event_id}/registrations",
    response={200: RegistrationPage, **ERRORS},
    summary="Confirmed and wait-listed people, in order (hosts and moderators)",
)
def list_registrations(
    request, event_id: int, page: int = Query(1, ge=1), page_size: int = Query(50, ge=1, le=100)
):
    event, access = _event_for(request, event_id)
    if not policy.can_manage(access, event):
        raise ActionError(
            _("You are not allowed to do this for this event."), code="forbidden", status=403
        )
    registrations = (
        Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        .select_related("user__profile")
        .order_by("position")
    )
    result = paginate(registrations, page, page_size)
    result["items"] = [
        {
            "event_id": r.event_id,
            "status": r.status,
            "position": r.position,
            "created_at": r.created_at,
            "attended_at": r.attended_at,
            "person": _person(r.user),
        }
        for r in result["items"]
    ]
    return result


@router.post(
    "/events/{int:event_id}/registrations",
    response={201: RegistrationOut, **ERRORS},
    summary="Register myself: confirmed while places remain, else on the wait list",
)
def register(request, event_id: int):
    event, _access = _event_for(request, event_id)
    return Status(201, actions.do_register(request.user, event))


@router.delete(
    "/events/{int:event_id}/registrations",
    response={200: RegistrationOut, **ERRORS},
    summary="Cancel my registration; the first on the wait list gets the place",
)
def unregister(request, event_id: int):
    event, _access = _event_for(request, event_id)
    return actions.do_cancel_registration(request.user, event)


# --- Attendance and feedback -------------------------------------------------------------


@router.post(
    "/events/{int:event_id}/attendance",
    response={200: RegistrationOut, **ERRORS},
    summary="Check in: myself with the code shown at the event, or (hosts) a person",
)
def check_in(request, event_id: int, payload: CheckInIn):
    event, _access = _event_for(request, event_id)
    if (payload.code is None) == (payload.user_id is None):
        raise ActionError(_("Send either a code or a user_id."), code="invalid")
    if payload.code is not None:
        return actions.do_self_check_in(request.user, event, payload.code)
    person = User.objects.filter(pk=payload.user_id).first()
    if person is None:
        raise ActionError(
            _("This person has no confirmed place at this event."),
            code="not_registered",
            field="user_id",
            status=409,
        )
    return actions.do_check_in(request.user, event, person)


@router.put(
    "/events/{int:event_id}/feedback",
    response={200: FeedbackOut, **ERRORS},
    summary="Give (or replace) my feedback: 1 to 5 and a comment (people who attended)",
)
def give_feedback(request, event_id: int, payload: FeedbackIn):
    event, _access = _event_for(request, event_id)
    feedback = actions.do_give_feedback(request.user, event, **payload.model_dump())
    return {
        "rating": feedback.rating,
        "comment": feedback.comment,
        "person": _person(request.user),
        "created_at": feedback.created_at,
    }


@router.get(
    "/events/{int:event_id}/feedback",
    response={200: FeedbackPage, **ERRORS},
    summary="Feedback on an event, with the average (hosts and moderators)",
)
def list_feedback(
    request, event_id: int, page: int = Query(1, ge=1), page_size: int = Query(50, ge=1, le=100)
):
    event, access = _event_for(request, event_id)
    if not policy.can_manage(access, event):
        raise ActionError(
            _("You are not allowed to do this for this event."), code="forbidden", status=403
        )
    feedback = Feedback.objects.filter(event=event).select_related("user__profile")
    average = feedback.aggregate(average=Avg("rating"))["average"]
    result = paginate(feedback.order_by("-created_at"), page, page_size)
    result["average"] = round(average, 2) if average is not None else None
    result["items"] = [
        {
            "rating": f.rating,
            "comment": f.comment,
            "person": _person(f.user),
            "created_at": f.created_at,
        }
        for f in result["items"]
    ]
    return result
