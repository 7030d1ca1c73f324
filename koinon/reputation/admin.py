from django.contrib import admin

from koinon.reputation.models import ReputationEvent, TrustLevel


@admin.register(TrustLevel)
class TrustLevelAdmin(admin.ModelAdmin):
    """Staff may set a level by hand (`override`); empty it to go back to the rules."""

    list_display = ("user", "computed", "override", "reputation", "posts_written", "computed_at")
    list_filter = ("computed", "override")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    readonly_fields = (
        "computed",
        "reputation",
        "topics_entered",
        "posts_read",
        "posts_written",
        "computed_at",
    )


@admin.register(ReputationEvent)
class ReputationEventAdmin(admin.ModelAdmin):
    list_display = ("user", "source", "points", "community", "created_at")
    list_filter = ("source",)
    raw_id_fields = ("user", "community", "topic", "post", "practice")
