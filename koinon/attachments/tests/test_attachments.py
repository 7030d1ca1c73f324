"""Images in posts: checked by content, limited, stripped of EXIF, re-encoded, and
shown only to people who may read the community."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from koinon.attachments.models import Attachment
from koinon.communities.models import Visibility
from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.lib.markdown import render_markdown

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 30.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(client, data: bytes, name="photo.jpg", slug="pm"):
    file = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(f"/api/v1/communities/{slug}/attachments", {"file": file})


def test_a_member_uploads_a_clean_webp_without_exif(client, community, member):
    client.force_login(member)
    response = upload(client, jpeg_with_gps())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["markdown"] == f"![photo]({data['url']})"
    assert (data["width"], data["height"]) == (64, 48)
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "WEBP"
        assert not stored.getexif()
    assert b"SpyCam" not in attachment.file.open("rb").read()


def test_the_composer_upload_answers_json(client, community, member):
    client.force_login(member)
    file = SimpleUploadedFile("a.png", jpeg_with_gps(), content_type="image/png")
    response = client.post(reverse("attachment-upload", args=["pm"]), {"file": file})
    assert response.status_code == 201
    assert response.json()["markdown"].startswith("![a](/attachments/")
    bad = SimpleUploadedFile("a.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(reverse("attachment-upload", args=["pm"]), {"file": bad})
    assert response.status_code == 400
    assert response.json()["detail"] == "This file is not an image we can read."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a<script>alert(1)</script>", "not an image we can read"),
        (b"%PDF-1.4 not an image", "not an image we can read"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "not an image"),
    ],
)
def test_bad_uploads_get_a_clear_400(client, community, member, data, message):
    client.force_login(member)
    response = upload(client, data, name="evil.jpg")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_size_and_pixel_limits(client, community, member, settings):
    client.force_login(member)
    settings.ATTACHMENTS_MAX_BYTES = 1000
    response = upload(client, jpeg_with_gps((300, 300)) + b"\0" * 2000)
    assert response.status_code == 400
    assert "too big: the limit is 1000" in response.json()["detail"]
    settings.ATTACHMENTS_MAX_BYTES = 5 * 1024 * 1024
    settings.ATTACHMENTS_MAX_PIXELS = 10_000
    response = upload(client, jpeg_with_gps((200, 100)))
    assert response.status_code == 400
    assert "megapixels" in response.json()["detail"]
    assert response.json()["code"] == "too_many_pixels"


def test_outsiders_and_visitors_cannot_upload(client, community, outsider):
    assert upload(client, jpeg_with_gps()).status_code == 401
    client.force_login(outsider)
    assert upload(client, jpeg_with_gps()).status_code == 403


def test_private_images_are_refused_to_outsiders(client, community, member, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    client.force_login(member)
    url = upload(client, jpeg_with_gps()).json()["url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get("/attachments/" + "x" * 22 + ".webp").status_code == 404


def test_posts_show_our_images_and_link_foreign_ones(client, community, member, mentor):
    client.force_login(member)
    url = upload(client, jpeg_with_gps()).json()["url"]
    topic = make_topic(member, community, body=f"![chart]({url})")
    reply = make_reply(mentor, topic, body="![pixel](https://tracker.example/p.gif)")
    assert f'<img src="{url}" alt="chart"' in topic.posts.first().body_html
    assert "<img" not in reply.body_html
    assert 'href="https://tracker.example/p.gif"' in reply.body_html
    page = client.get(topic.get_absolute_url()).content.decode()
    assert f'src="{url}"' in page
    assert 'src="https://tracker.example' not in page


def test_the_pipeline_refuses_foreign_img_tags_even_in_html():
    from koinon.lib.markdown import sanitize_html

    html = sanitize_html('<img src="https://evil.example/x.png"><img src="/attachments/../x.webp">')
    assert "evil.example" not in html
    assert "../" not in html
    assert render_markdown("![x](/attachments/short.webp)").count("<img") == 0


def test_the_composer_shows_the_image_button(client, community, member):
    client.force_login(member)
    page = client.get(reverse("topic-create", args=["pm"])).content.decode()
    assert 'class="image-upload"' in page
    assert "attachments/composer.js" in page
    assert "<script>" not in page  # no inline script


def test_export_and_erase(community, member):
    from koinon.attachments import personal_data

    Attachment.objects.create(community=community, uploader=member, original_name="me.jpg")
    assert personal_data.export(member)["images"][0]["file_name"] == "me.jpg"
    personal_data.erase(member)
    assert Attachment.objects.get().uploader is None
