from django.contrib import admin

from koinon.standards.models import Amendment, Ballot, SectionComment, Standard, StandardVersion


class VersionInline(admin.TabularInline):
    model = StandardVersion
    fields = ["number", "title", "author", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "status", "version", "ratified_version"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "summary"]
    raw_id_fields = [
        "community",
        "created_by",
        "drafters",
        "group",
        "eligible_group",
        "origin_topic",
        "origin_practice",
    ]
    readonly_fields = ["version", "body_html", "ratified_version", "ratified_at"]
    inlines = [VersionInline]


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    """Read only: a vote's rules are fixed when it opens and its result when it closes."""

    list_display = ["standard", "version", "opens_at", "closes_at", "result"]
    list_filter = ["result"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["standard", "section_title", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["standard", "author", "decided_by"]


@admin.register(SectionComment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["standard", "section_title", "author", "created_at"]
    raw_id_fields = ["standard", "author"]
