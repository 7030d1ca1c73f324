"""Handles: made at sign-up from the name, unique, editable with clear errors."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from koinon.accounts.handles import check_handle, slug_for_handle, unique_handle
from koinon.accounts.models import Profile
from koinon.accounts.tests.factories import UserFactory


def test_slug_drops_accents_and_joins_words():
    assert slug_for_handle("Niccolò Dell'Arte") == "niccolo_dell_arte"
    assert slug_for_handle("  ") == ""
    assert len(slug_for_handle("x" * 80)) == 30


@pytest.mark.django_db
def test_new_people_get_a_free_handle():
    first = UserFactory(email="anna.rossi@example.org")
    second = UserFactory(email="anna.rossi@example.net")
    assert first.profile.handle == "anna_rossi"
    assert second.profile.handle == "anna_rossi_2"
    short = UserFactory(email="al@example.org")
    assert short.profile.handle == "al_member"
    assert unique_handle("Admin") == "admin_2"  # reserved words are never given


@pytest.mark.django_db
def test_existing_people_get_handles_from_their_display_name():
    one, two = UserFactory(display_name="Maria Bianchi"), UserFactory(display_name="Maria Bianchi")
    Profile.objects.update(handle=None)
    migration = importlib.import_module("koinon.accounts.migrations.0003_fill_handles")
    migration.fill_handles(apps, None)
    handles = dict(Profile.objects.values_list("user_id", "handle"))
    assert handles[one.pk] == "maria_bianchi"
    assert handles[two.pk] == "maria_bianchi_2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ab", "3 to 30 characters"),
        ("with space", "3 to 30 characters"),
        ("_lead", "3 to 30 characters"),
        ("x" * 31, "3 to 30 characters"),
        ("everyone", "reserved"),
    ],
)
def test_bad_handles_are_refused_clearly(value, message):
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_handle(value)
    assert message in caught.value.messages[0]


def test_handle_is_edited_in_the_settings(client, member, mentor):
    client.force_login(member)
    response = client.post(reverse("settings"), {"handle": "@Mia_PM", "visibility": "everyone"})
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.handle == "mia_pm"

    response = client.post(reverse("settings"), {"handle": mentor.profile.handle})
    assert response.status_code == 400
    assert "This handle is already taken." in response.content.decode()
    response = client.post(reverse("settings"), {"handle": "no way"})
    assert response.status_code == 400
    assert "underscores" in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.handle == "mia_pm"


def test_handle_through_the_api(client, member, mentor):
    client.force_login(member)
    url = "/api/v1/me/profile"
    response = client.patch(url, {"handle": "mia2"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["handle"] == "mia2"
    response = client.patch(url, {"handle": mentor.profile.handle}, content_type="application/json")
    assert response.status_code == 400
    assert "already taken" in response.content.decode()
