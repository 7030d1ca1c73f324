"""Cover images: checked by content with Pillow, size-limited, resized to WebP."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_MAX_PIXELS = 40_000_000
COVER_SIZE = (1600, 900)


def _open_checked(upload) -> Image.Image:
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        if image.width * image.height > COVER_MAX_PIXELS:
            raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not an image we can read (use JPEG, PNG, GIF or WebP)."),
            code="not_an_image",
        ) from exc
    return image


def process_cover(upload) -> ContentFile:
    """The uploaded file as a resized WebP, or a ValidationError saying what is wrong."""
    if upload.size > COVER_MAX_BYTES:
        raise ValidationError(
            _("The image is too large: at most %(size)s.")
            % {"size": filesizeformat(COVER_MAX_BYTES)},
            code="too_large",
        )
    image = _open_checked(upload)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    image.thumbnail(COVER_SIZE)
    out = BytesIO()
    image.save(out, format="WEBP", quality=85)
    return ContentFile(out.getvalue(), name="cover.webp")
