from django.contrib import admin

from koinon.notifications.models import DigestDelivery, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom, for support questions."""

    list_display = ["recipient", "kind", "verb", "community", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "entry", "community"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "period", "period_start", "claimed_at", "sent_at", "lines"]
    list_filter = ["period", "period_start"]
    raw_id_fields = ["user"]
    readonly_fields = [f.name for f in DigestDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
