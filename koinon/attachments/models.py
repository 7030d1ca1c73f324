"""Images uploaded into posts: re-encoded copies, served only to people who may read them."""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttachmentStorage(FileSystemStorage):
    """Outside MEDIA_ROOT, never served by the web server: only through the checked view.

    The location is read from the settings on each use (tests point it elsewhere).
    """

    @property
    def base_location(self):
        root = getattr(settings, "ATTACHMENTS_ROOT", None)
        return str(root or settings.VAR_DIR / "attachments")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Attachments have no public address; use Attachment.get_absolute_url.")


_storage = AttachmentStorage()


def attachment_storage():
    return _storage


def attachment_path(attachment, filename):
    return f"{attachment.community_id}/{attachment.key}.webp"


def new_key() -> str:
    return secrets.token_urlsafe(16)  # 22 characters, unguessable


class Attachment(models.Model):
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(storage=attachment_storage, upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When a post was first found showing it (koinon.attachments.cleanup); images never
    # posted are deleted after a grace period.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name or self.key

    def get_absolute_url(self):
        return reverse("attachment-file", args=[self.key])
