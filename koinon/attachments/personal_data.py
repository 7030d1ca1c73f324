"""Uploaded images in a person's data export and erasure (hooks for koinon.lib.personal_data)."""

from django.conf import settings

from koinon.attachments.models import Attachment


def export(user) -> dict:
    return {
        "images": [
            {
                "url": settings.SITE_URL + a.get_absolute_url(),
                "community": a.community.name,
                "file_name": a.original_name,
                "uploaded_at": a.created_at.isoformat(),
            }
            for a in Attachment.objects.filter(uploader=user).select_related("community")
        ]
    }


def erase(user) -> None:
    """Images stay in the posts that show them (as the posts do), no longer tied to the person."""
    Attachment.objects.filter(uploader=user).update(uploader=None, original_name="")
