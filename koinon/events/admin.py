from django.contrib import admin

from koinon.events.models import Event, Feedback, Registration, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["pk", "community", "rrule", "time_zone", "first_start"]
    raw_id_fields = ["community", "created_by"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["user", "status", "position", "created_at", "attended_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "starts_at", "time_zone", "capacity"]
    list_filter = ["kind"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["community", "group", "series", "created_by", "hosts", "speakers"]
    inlines = [RegistrationInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "rating", "created_at"]
    raw_id_fields = ["event", "user"]
