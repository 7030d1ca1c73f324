"""The events demo: a weekly meeting with history, a full seminar, a past workshop."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from koinon.events.models import Event, Feedback, Registration, Series
from koinon.events.templatetags.events_tags import cadence

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Event.objects.count(),
        Series.objects.count(),
        Registration.objects.count(),
        Feedback.objects.count(),
    )


def test_the_demo_has_events_and_loading_it_again_changes_nothing():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = _counts()
    coffee = Event.objects.filter(title="Caffè dei project manager")
    assert coffee.count() == 11  # twelve weeks, one exception
    assert coffee.filter(starts_at__lt=timezone.now()).exists()
    assert coffee.filter(starts_at__gt=timezone.now(), registrations__isnull=False).exists()
    rows = cadence(coffee.first().community)
    assert rows and rows[0]["planned"] >= 3 and 0 < rows[0]["held"] < rows[0]["planned"]
    seminar = Event.objects.get(title__startswith="Misurare il ritorno")
    statuses = list(seminar.registrations.values_list("status", flat=True))
    assert statuses == ["confirmed"] * 3 + ["waitlisted"]
    workshop = Event.objects.get(title__startswith="Laboratorio")
    assert workshop.is_past and workshop.feedback.count() == 2 and workshop.recording_url
    assert Event.objects.filter(group__slug="sql-study-group").count() == 8
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
