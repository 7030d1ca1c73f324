"""The learning demo: a programme, a running cohort with progress and a conversation."""

import pytest
from django.core.management import call_command

from koinon.learning.models import CohortThread, Enrolment, HandIn, Programme, SkillAssessment

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        m.objects.count() for m in (Programme, Enrolment, HandIn, CohortThread, SkillAssessment)
    )


def test_the_demo_has_a_programme_and_loading_it_again_changes_nothing():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    programme = Programme.objects.get(slug="sql-foundations")
    assert programme.modules.count() == 3
    cohort = programme.cohorts.get()
    assert cohort.enrolments.filter(status="active").count() == 4
    assert HandIn.objects.filter(submitted_at__isnull=False).count() == 1
    assert CohortThread.objects.get(cohort=cohort).post_count == 2
    before = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
