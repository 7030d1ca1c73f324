from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from koinon.lib.personal_data import export_sections
from koinon.opportunities import actions, personal_data
from koinon.opportunities.models import Interest, Opportunity
from koinon.opportunities.tests.factories import OpportunityFactory
from koinon.search.models import Document

pytestmark = pytest.mark.django_db


def _fields():
    return {
        "kind": "collaboration",
        "title": "Facilitators for a retrospective marathon",
        "description": "Three facilitators wanted.",
        "expires_on": timezone.localdate() + timedelta(days=5),
    }


def test_export_and_erase(community, member, mentor):
    mine = OpportunityFactory(community=community, author=member)
    theirs = OpportunityFactory(community=community, author=mentor)
    Interest.objects.create(opportunity=theirs, user=member)
    section = export_sections()["opportunities"](member)
    assert [o["id"] for o in section["published"]] == [mine.pk]
    assert [i["opportunity_id"] for i in section["interested_in"]] == [theirs.pk]
    personal_data.erase(member)
    assert Opportunity.objects.get(pk=mine.pk).is_closed
    assert not Interest.objects.filter(user=member).exists()


def _indexed(opportunity) -> bool:
    return Document.objects.filter(
        kind="opportunities.opportunity", object_id=opportunity.pk
    ).exists()


def test_live_opportunities_are_in_the_search(
    community, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        o = actions.do_create_opportunity(member, community, **_fields())
    assert _indexed(o)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_close_opportunity(member, o)
    assert not _indexed(o)


def test_expired_ones_leave_the_search(community, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        o = actions.do_create_opportunity(member, community, **_fields())
    Opportunity.objects.filter(pk=o.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    call_command("unindex_expired_opportunities")
    assert not _indexed(o)


def test_the_demo_adds_opportunities_once():
    from koinon.core.demo import load_demo

    load_demo()
    count = Opportunity.objects.count()
    assert count == 3 and Interest.objects.count() == 1
    load_demo()
    assert Opportunity.objects.count() == count


def test_a_reindex_finds_live_ones_only(community, member):
    from koinon.search.items import rebuild

    live = OpportunityFactory(community=community, author=member)
    closed = OpportunityFactory(community=community, author=member, status="closed")
    expired = OpportunityFactory(
        community=community, author=member, expires_on=timezone.localdate() - timedelta(days=1)
    )
    rebuild()
    assert _indexed(live)
    assert not _indexed(closed) and not _indexed(expired)
