"""Avatars: a 256×256 WebP made from the upload by the shared image check."""

from django.conf import settings

from koinon.lib.images import MAX_PIXELS, clean_image

__all__ = ["MAX_PIXELS", "make_avatar"]


def make_avatar(upload):
    return clean_image(
        upload, field="avatar", max_bytes=settings.AVATAR_MAX_BYTES, size=(256, 256), crop=True
    )
