"""Avatars: checked as real images by their content, then re-encoded small and clean."""

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from koinon.lib.errors import ActionError

AVATAR_SIZE = (256, 256)
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
_BROKEN = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def _invalid(message) -> ActionError:
    return ActionError(message, field="avatar", code="invalid_image")


def _open_checked(upload) -> Image.Image:
    """Open without decoding, refuse anything but a modest photo, then decode."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(upload)
        if image.format not in ACCEPTED_FORMATS:
            raise _invalid(_("Please upload a JPEG, PNG, GIF or WebP image."))
        if image.width * image.height > MAX_PIXELS:
            raise _invalid(_("This image has too many pixels; please upload a smaller one."))
        image.load()
    return image


def make_avatar(upload) -> ContentFile:
    """A 256×256 WebP made from `upload`, without EXIF or other metadata."""
    if upload.size > settings.AVATAR_MAX_BYTES:
        limit = settings.AVATAR_MAX_BYTES // (1024 * 1024) or 1
        raise _invalid(_("The image is too large: at most %(mb)d MB, please.") % {"mb": limit})
    try:
        image = _open_checked(upload)
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image = ImageOps.fit(image, AVATAR_SIZE, Image.Resampling.LANCZOS)
    except ActionError:
        raise
    except (*_BROKEN, Image.DecompressionBombWarning) as exc:
        raise _invalid(_("This file is not an image we can read.")) from exc
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue(), name="avatar.webp")
