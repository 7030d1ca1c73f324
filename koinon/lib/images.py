"""Uploaded images: checked as real images by their content, then re-encoded clean.

Re-encoding to WebP drops EXIF (GPS included) and anything smuggled after the
pixels; the pixel cap is checked on the header, before decoding (no bombs).
"""

import io
import warnings

from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from koinon.lib.errors import ActionError

MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
_BROKEN = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def _open_checked(upload, field: str) -> Image.Image:
    """Open without decoding, refuse anything but a modest picture, then decode."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(upload)
        if image.format not in ACCEPTED_FORMATS:
            raise ActionError(
                _("Please upload a JPEG, PNG, GIF or WebP image."),
                field=field,
                code="invalid_image",
            )
        if image.width * image.height > MAX_PIXELS:
            raise ActionError(
                _("This image has too many pixels; please upload a smaller one."),
                field=field,
                code="invalid_image",
            )
        image.load()
    return image


def clean_image(upload, *, field: str, max_bytes: int, size: tuple[int, int], crop: bool):
    """A WebP copy of `upload`: cropped to `size`, or fitted inside it when `crop` is false."""
    if upload.size > max_bytes:
        raise ActionError(
            _("The image is too large: at most %(size)s.") % {"size": filesizeformat(max_bytes)},
            field=field,
            code="too_large",
        )
    try:
        image = ImageOps.exif_transpose(_open_checked(upload, field))
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        if crop:
            image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
        else:
            image.thumbnail(size)
    except ActionError:
        raise
    except _BROKEN as exc:
        raise ActionError(
            _("This file is not an image we can read."), field=field, code="invalid_image"
        ) from exc
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue(), name=f"{field}.webp")
