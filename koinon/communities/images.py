"""Cover images: at most 1600×900 WebP, made by the shared image check."""

from django.core.exceptions import ValidationError

from koinon.lib.errors import ActionError
from koinon.lib.images import clean_image

COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_SIZE = (1600, 900)


def process_cover(upload):
    """The uploaded file as a resized WebP, or a ValidationError saying what is wrong."""
    try:
        return clean_image(
            upload, field="cover", max_bytes=COVER_MAX_BYTES, size=COVER_SIZE, crop=False
        )
    except ActionError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc
