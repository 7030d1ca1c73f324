from django.contrib import admin

from koinon.polls.models import Poll, PollOption


class OptionInline(admin.TabularInline):
    model = PollOption
    extra = 0


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question", "topic", "multiple", "public_voters", "closes_at", "closed_at"]
    raw_id_fields = ["topic", "created_by"]
    inlines = [OptionInline]
