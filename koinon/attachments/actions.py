"""Uploading an image: checked by its content, limited in bytes and pixels, re-encoded."""

import warnings

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from koinon.attachments import policy
from koinon.attachments.models import Attachment
from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Forbidden
from koinon.lib.images import clean_image

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 25_000_000
DEFAULT_MAX_SIDE = 2048  # larger pictures are scaled down to fit


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENTS_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels() -> int:
    return getattr(settings, "ATTACHMENTS_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _check_pixels(upload):
    """Read only the header: a picture with too many pixels is refused before decoding."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            width, height = Image.open(upload).size
    except Exception:  # noqa: BLE001 - clean_image gives the clear answer for broken files
        return
    finally:
        upload.seek(0)
    if width * height > max_pixels():
        raise ActionError(
            _(
                "This image has %(n)s megapixels; at most %(max)s are accepted. "
                "Please upload a smaller one."
            )
            % {"n": round(width * height / 1_000_000, 1), "max": max_pixels() // 1_000_000},
            field="file",
            code="too_many_pixels",
        )


@transaction.atomic
def do_upload_image(actor, community, upload) -> Attachment:
    """A member's image for a post in `community`: a clean WebP copy without EXIF."""
    if not policy.can_upload(access_for(actor, community)):
        raise Forbidden(_("Only members can add images here."))
    if upload is None or not getattr(upload, "size", 0):
        raise ActionError(_("Please choose an image to upload."), field="file", code="empty")
    if upload.size > max_bytes():
        raise ActionError(
            _("This image is too big: the limit is %(size)s.")
            % {"size": filesizeformat(max_bytes())},
            field="file",
            code="too_large",
        )
    _check_pixels(upload)
    side = DEFAULT_MAX_SIDE
    clean = clean_image(upload, field="file", max_bytes=max_bytes(), size=(side, side), crop=False)
    attachment = Attachment(
        community=community,
        uploader=actor,
        original_name=(getattr(upload, "name", "") or "")[:200],
        size=clean.size,
    )
    with Image.open(clean) as image:
        attachment.width, attachment.height = image.size
    clean.seek(0)
    attachment.file.save(f"{attachment.key}.webp", clean, save=False)
    attachment.save()
    log_activity(
        actor, "attachment.uploaded", community=community, target=attachment, is_private=True
    )
    return attachment


def markdown_for(attachment, alt: str = "") -> str:
    """The Markdown that shows the image in a post."""
    alt = (alt or attachment.original_name.rsplit(".", 1)[0] or _("image")).replace("]", "")
    alt = alt.replace("[", "").replace("\n", " ")[:120]
    return f"![{alt}]({attachment.get_absolute_url()})"
