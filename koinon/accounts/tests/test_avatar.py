import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from koinon.accounts import actions
from koinon.accounts.images import MAX_PIXELS
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def _image(fmt="JPEG", size=(600, 400), exif=False, name="me.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (41.0, 54.0, 0.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    image.save(buffer, fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _upload(client, upload):
    return client.post(
        reverse("settings-avatar"), {"avatar": upload}, headers={"accept-language": "en"}
    )


def test_avatar_is_resized_to_256_webp_without_exif(client, member):
    client.force_login(member)
    response = _upload(client, _image(exif=True))
    assert response.status_code == 302
    member.profile.refresh_from_db()
    with member.profile.avatar.open("rb") as f:
        data = f.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "WEBP"
    assert stored.size == (256, 256)
    assert not stored.getexif()
    assert b"SecretCam" not in data


def test_png_with_jpg_name_is_accepted_by_content(client, member):
    client.force_login(member)
    assert _upload(client, _image("PNG", name="photo.jpg")).status_code == 302


def test_text_file_named_like_an_image_is_a_form_error(client, member):
    client.force_login(member)
    fake = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")
    response = _upload(client, fake)
    assert response.status_code == 400
    assert "not an image we can read" in response.content.decode()
    member.profile.refresh_from_db()
    assert not member.profile.avatar


def test_too_large_file_is_a_form_error(client, member, settings):
    settings.AVATAR_MAX_BYTES = 1024
    client.force_login(member)
    response = _upload(client, _image(size=(800, 800)))
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_decompression_bomb_is_refused(member):
    # A tiny PNG that claims a huge canvas: refused before decoding.
    side = int(MAX_PIXELS**0.5) + 100
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue())
    assert upload.size < 1024 * 1024
    with pytest.raises(ActionError) as exc:
        actions.do_set_avatar(member, upload)
    assert exc.value.field == "avatar"


def test_truncated_image_is_refused(member):
    data = _image().read()[:200]
    with pytest.raises(ActionError):
        actions.do_set_avatar(member, SimpleUploadedFile("cut.jpg", data))


def test_new_avatar_replaces_old_file(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.do_set_avatar(member, _image()).avatar.name
    storage = member.profile.avatar.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.do_set_avatar(member, _image("PNG")).avatar.name
    assert first != second
    assert not storage.exists(first)
    assert storage.exists(second)


def test_remove_avatar(client, member):
    actions.do_set_avatar(member, _image())
    client.force_login(member)
    client.post(reverse("avatar-remove"))
    member.profile.refresh_from_db()
    assert not member.profile.avatar


def test_avatar_shows_on_profile(client, member):
    actions.do_set_avatar(member, _image())
    client.force_login(member)
    html = client.get(reverse("profile-detail", args=[member.pk])).content.decode()
    assert member.profile.avatar.url in html
