"""Demo events: a weekly meeting with a history, a full seminar with a wait list, a past
workshop with attendance and feedback, and a study group's weekly session.

Dates are relative to the day the demo is loaded. Idempotent: each event (or series) is
found by its community and title and created only when missing.
"""

from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from koinon.communities.models import Community, Group
from koinon.events import actions
from koinon.events.models import Event, Feedback, Registration, RegistrationStatus

ROME = "Europe/Rome"


def _local(day, hour, minute=0):
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ROME))


def _next_weekday(weekday: int, today=None):
    today = today or timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _past_registration(event, user, *, attended=True):
    """History written directly: registering for a past event is refused by the actions."""
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None:
        return registration
    last = Registration.objects.filter(event=event).aggregate(m=Max("position"))["m"] or 0
    return Registration.objects.create(
        event=event,
        user=user,
        status=RegistrationStatus.CONFIRMED,
        position=last + 1,
        attended_at=event.starts_at + timedelta(minutes=5) if attended else None,
    )


def _register(event, user):
    if not Registration.objects.filter(event=event, user=user).exists():
        actions.do_register(user, event)


def _weekly_coffee(users, report):
    """Project managers' weekly online coffee: four meetings behind, eight to come."""
    community = Community.objects.filter(slug="project-manager").first()
    title = "Caffè dei project manager"
    if community is None or Event.objects.filter(community=community, title=title).exists():
        return
    host = users["sara.conti"]
    first_day = _next_weekday(3) - timedelta(weeks=4)  # a Thursday four weeks ago
    start = _local(first_day, 18)
    first = actions.do_create_event(
        host,
        community,
        kind="meetup",
        title=title,
        description=(
            "Mezz'ora online per raccontarsi la settimana: un problema, un'idea, "
            "un errore da cui abbiamo imparato. Niente slide."
        ),
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        time_zone=ROME,
        online_url="https://meet.example.org/caffe-pm",
        capacity=12,
        hosts=[host, users["roberto.barbieri"]],
        rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=12",
        exdates=[(first_day + timedelta(weeks=10)).isoformat()],
    )
    report.add("event series")
    occurrences = list(Event.objects.filter(series=first.series).order_by("starts_at"))
    people = [users[h] for h in ("luca.ferrari", "silvia.rinaldi", "martina.caruso")]
    past = [o for o in occurrences if o.ends_at < timezone.now()]
    for index, occurrence in enumerate(past):
        if index == 2:  # one meeting was called off
            occurrence.cancelled_at = occurrence.starts_at - timedelta(days=1)
            occurrence.save(update_fields=["cancelled_at"])
            continue
        for person in people[: 2 + index % 2]:
            _past_registration(occurrence, person)
    coming = [o for o in occurrences if o.starts_at > timezone.now()]
    if coming:
        for handle in ("luca.ferrari", "daniel.murphy", "laura.villa"):
            _register(coming[0], users[handle])
        report.add("event registrations", 3)


def _seminar_with_wait_list(users, report):
    community = Community.objects.filter(slug="consulenti-marketing").first()
    title = "Misurare il ritorno delle campagne sui social"
    if community is None or Event.objects.filter(community=community, title=title).exists():
        return
    day = timezone.localdate() + timedelta(days=10)
    start = _local(day, 17, 30)
    event = actions.do_create_event(
        users["francesca.galli"],
        community,
        kind="seminar",
        title=title,
        description=(
            "Seminario dell'incontro formativo mensile: quali metriche contano davvero "
            "per una piccola impresa, e come spiegarle al cliente.\n\n"
            "Porta un caso (anonimizzato) da discutere."
        ),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone=ROME,
        venue="Sala Brera, Coworking Cadorna",
        address="Via Cadorna 12, Milano",
        capacity=3,
        speakers=[users["alessandro.romano"]],
        registration_closes_at=start - timedelta(hours=2),
    )
    report.add("events")
    for handle in ("chiara.moretti", "davide.ricci", "elena.marino", "valentina.costa"):
        _register(event, users[handle])  # the fourth is wait-listed
    report.add("event registrations", 4)


def _past_workshop(users, report):
    community = Community.objects.filter(slug="consulenti-marketing").first()
    title = "Laboratorio: il preventivo che il cliente capisce"
    if community is None or Event.objects.filter(community=community, title=title).exists():
        return
    day = timezone.localdate() - timedelta(days=20)
    start = _local(day, 10)
    host = users["paolo.greco"]
    event = actions.do_create_event(
        host,
        community,
        kind="workshop",
        title=title,
        description="Tre ore per riscrivere insieme un preventivo reale, voce per voce.",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        time_zone=ROME,
        venue="Sede dell'associazione",
        address="Corso Magenta 40, Milano",
        capacity=15,
    )
    actions.do_update_event(
        host,
        event,
        materials=(
            "- [Modello di preventivo](https://example.org/preventivo.odt)\n"
            "- Le domande da farsi prima di scrivere un prezzo"
        ),
        recording_url="https://video.example.org/laboratorio-preventivo",
    )
    report.add("events")
    comments = {
        "chiara.moretti": (5, "Finalmente un preventivo che si legge in due minuti."),
        "luca.ferrari": (4, "Utile; avrei voluto più tempo sugli sconti."),
        "elena.marino": (None, ""),
    }
    for handle, (rating, comment) in comments.items():
        _past_registration(event, users[handle], attended=rating is not None)
        if rating:
            Feedback.objects.get_or_create(
                event=event, user=users[handle], defaults={"rating": rating, "comment": comment}
            )
    report.add("event registrations", len(comments))


def _study_group_sessions(users, report):
    group = Group.objects.filter(
        community__slug="data-analysis-programme", slug="sql-study-group"
    ).first()
    title = "SQL study group: weekly exercises"
    if group is None or Event.objects.filter(community=group.community, title=title).exists():
        return
    day = _next_weekday(1) - timedelta(weeks=1)  # last Tuesday
    start = _local(day, 17, 30)
    actions.do_create_event(
        users["james.carter"],
        group.community,
        group=group,
        kind="training",
        title=title,
        description="One exercise on joins or window functions, solved together.",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone=ROME,
        online_url="https://meet.example.org/sql-study",
        rrule="FREQ=WEEKLY;COUNT=8",
    )
    report.add("event series")


def populate(users: dict, report) -> None:
    _weekly_coffee(users, report)
    _seminar_with_wait_list(users, report)
    _past_workshop(users, report)
    _study_group_sessions(users, report)
