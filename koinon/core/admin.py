from django.contrib import admin

from koinon.core.models import ActivityEntry


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin):
    """The activity log is append-only: operators may read it, never edit it."""

    list_display = ("created_at", "verb", "actor", "community", "is_private")
    list_filter = ("verb", "is_private")
    search_fields = ("verb", "actor__email", "community__slug")
    list_select_related = ("actor__profile", "community")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "verb",
        "actor",
        "community",
        "target_type",
        "target_id",
        "data",
        "is_private",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
