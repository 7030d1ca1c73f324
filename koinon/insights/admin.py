from django.contrib import admin

from koinon.insights.models import InsightsSettings


@admin.register(InsightsSettings)
class InsightsSettingsAdmin(admin.ModelAdmin):
    list_display = ["community", "members_can_view", "updated_by", "updated_at"]
    list_filter = ["members_can_view"]
    raw_id_fields = ["community", "updated_by"]
