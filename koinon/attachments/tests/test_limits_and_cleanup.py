"""A day's uploads are limited; images never posted are deleted after 48 hours."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from koinon.attachments.cleanup import clean_orphan_attachments
from koinon.attachments.models import Attachment
from koinon.attachments.tests.test_attachments import jpeg_with_gps, upload
from koinon.discussions import actions
from koinon.discussions.tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def settled(user):
    """A member past their first day (no new-member limits)."""
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save()
    return user


def test_a_day_of_uploads_is_limited_with_a_clear_429(client, community, member, settings):
    settings.ATTACHMENTS_PER_DAY = 2
    client.force_login(settled(member))
    assert upload(client, jpeg_with_gps()).status_code == 201
    assert upload(client, jpeg_with_gps()).status_code == 201
    refused = upload(client, jpeg_with_gps())
    assert refused.status_code == 429
    assert "2 images a day" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 86400
    composer = client.post(
        reverse("attachment-upload", args=["pm"]),
        {"file": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")},
    )
    assert composer.status_code == 429 and composer["Retry-After"]
    assert "2 images a day" in composer.json()["detail"]
    assert Attachment.objects.count() == 2
    Attachment.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert upload(client, jpeg_with_gps()).status_code == 201  # a day later


def test_new_members_have_a_smaller_allowance_and_moderators_none(
    client, community, member, moderator, settings
):
    settings.ATTACHMENTS_PER_DAY_NEW_MEMBER = 1
    client.force_login(member)  # joined today, trust level 0
    assert upload(client, jpeg_with_gps()).status_code == 201
    assert upload(client, jpeg_with_gps()).status_code == 429
    settings.ATTACHMENTS_PER_DAY = 1
    client.force_login(moderator)
    assert upload(client, jpeg_with_gps()).status_code == 201
    assert upload(client, jpeg_with_gps()).status_code == 201


def test_images_never_posted_are_deleted_after_the_grace_period(client, community, member):
    client.force_login(settled(member))
    posted = upload(client, jpeg_with_gps()).json()
    edited_away = upload(client, jpeg_with_gps()).json()
    orphan = upload(client, jpeg_with_gps()).json()
    fresh = upload(client, jpeg_with_gps()).json()
    topic = make_topic(member, community, body=f"Our board: {posted['markdown']}")
    reply = make_reply(member, topic, body=f"Before: {edited_away['markdown']}")
    actions.do_edit_post(member, reply, body="The picture was wrong, removed.")
    old = timezone.now() - timedelta(hours=49)
    Attachment.objects.exclude(key=fresh["url"].split("/")[-1][:-5]).update(created_at=old)
    orphan_row = Attachment.objects.get(key=orphan["url"].split("/")[-1][:-5])
    path = orphan_row.file.path

    assert clean_orphan_attachments() == 1
    keys = set(Attachment.objects.values_list("key", flat=True))
    assert orphan_row.key not in keys and len(keys) == 3
    import os

    assert not os.path.exists(path)
    used = Attachment.objects.filter(used_at__isnull=False)
    assert used.count() == 2  # the posted one, and the one an edit history still shows
    assert clean_orphan_attachments() == 0  # marked images are not looked at again
    assert client.get(posted["url"]).status_code == 200
