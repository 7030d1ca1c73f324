from django.contrib import admin

from koinon.attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["key", "community", "uploader", "width", "height", "size", "created_at"]
    list_filter = ["community"]
    raw_id_fields = ["uploader"]
