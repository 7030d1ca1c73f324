import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.events import actions
from koinon.events.models import Event, Registration
from koinon.events.tests.factories import EventFactory
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def _members(community, n, language="en"):
    people = [UserFactory(language=language) for _ in range(n)]
    for person in people:
        MembershipFactory(community=community, user=person)
    return people


@pytest.fixture
def event(community):
    return EventFactory(community=community, capacity=1)


def test_member_is_confirmed_while_places_remain(event, member):
    registration = actions.do_register(member, event)
    assert registration.status == "confirmed"
    assert registration.position == 1


def test_second_person_goes_on_the_wait_list_when_full(event, member, mentor):
    actions.do_register(member, event)
    registration = actions.do_register(mentor, event)
    assert registration.status == "waitlisted"


def test_registering_twice_is_refused(event, member):
    actions.do_register(member, event)
    with pytest.raises(ActionError) as err:
        actions.do_register(member, event)
    assert err.value.status == 409
    assert err.value.code == "already_registered"


def test_unlimited_event_confirms_everyone(community):
    event = EventFactory(community=community, capacity=None)
    people = _members(community, 4)
    assert {actions.do_register(p, event).status for p in people} == {"confirmed"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"cancelled_at": timezone.now()}, "cancelled"),
        (
            {
                "starts_at": timezone.now() - timedelta(hours=1),
                "ends_at": timezone.now() + timedelta(hours=1),
            },
            "already started",
        ),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "Registration opens"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_registration_is_refused_with_a_reason(event, member, change, message):
    Event.objects.filter(pk=event.pk).update(**change)
    event.refresh_from_db()
    with pytest.raises(ActionError) as err:
        actions.do_register(member, event)
    assert err.value.status == 409
    assert message in str(err.value.message)
    assert not Registration.objects.exists()


def test_outsider_must_join_a_public_community_to_register(event, outsider):
    with pytest.raises(ActionError) as err:
        actions.do_register(outsider, event)
    assert err.value.status == 403


def test_outsider_gets_not_found_for_a_private_community_event(event, outsider):
    event.community.visibility = Visibility.PRIVATE
    event.community.save()
    with pytest.raises(ActionError) as err:
        actions.do_register(outsider, event)
    assert err.value.status == 404


def test_cancelling_promotes_the_first_on_the_wait_list_and_mails_them(
    community, event, django_capture_on_commit_callbacks
):
    first, second, third = _members(community, 3)
    third.language = "it"
    third.save()
    actions.do_register(first, event)
    actions.do_register(third, event)  # waits first
    actions.do_register(second, event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_cancel_registration(first, event)
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", third.pk: "confirmed", second.pk: "waitlisted"}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [third.email]
    assert "Hai un posto" in message.subject  # in the promoted person's language
    assert f"http://testserver/c/pm/events/{event.pk}/" in message.body


def test_cancelling_a_wait_list_place_promotes_nobody(community, event):
    first, second = _members(community, 2)
    actions.do_register(first, event)
    actions.do_register(second, event)
    actions.do_cancel_registration(second, event)
    assert Registration.objects.get(user=first).status == "confirmed"
    assert Registration.objects.filter(status="confirmed").count() == 1


def test_cancel_without_registration_is_a_clear_error(event, member):
    with pytest.raises(ActionError) as err:
        actions.do_cancel_registration(member, event)
    assert err.value.code == "not_registered"


def test_person_can_register_again_after_cancelling(event, member):
    actions.do_register(member, event)
    actions.do_cancel_registration(member, event)
    again = actions.do_register(member, event)
    assert again.status == "confirmed"
    assert again.position == 2


def test_more_places_promote_the_wait_list(community, event, moderator):
    people = _members(community, 3)
    for person in people:
        actions.do_register(person, event)
    actions.do_update_event(moderator, event, capacity=2)
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Registration.objects.get(user=people[2]).status == "waitlisted"


def test_cancelled_event_mails_its_registrants(
    event, member, moderator, django_capture_on_commit_callbacks
):
    actions.do_register(member, event)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_cancel_event(moderator, event) == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Cancelled" in mail.outbox[0].subject
    with pytest.raises(ActionError) as err:
        actions.do_register(member, event)
    assert "cancelled" in str(err.value.message)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_people_racing_for_five_places_never_oversell(community):
    event = EventFactory(community=community, capacity=5)
    people = _members(community, 50)
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            actions.do_register(person, event)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    registrations = list(Registration.objects.filter(event=event).order_by("position"))
    assert [r.status for r in registrations] == ["confirmed"] * 5 + ["waitlisted"] * 45
    assert [r.position for r in registrations] == list(range(1, 51))
