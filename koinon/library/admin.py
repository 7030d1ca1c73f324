from django.contrib import admin
from django.db import models

from koinon.library.models import (
    ChangeProposal,
    Lesson,
    Practice,
    PracticeVersion,
    ReadingList,
    Resource,
    ResourceReview,
)


class VersionInline(admin.TabularInline):
    model = PracticeVersion
    fields = ["number", "title", "author", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "version", "adoption_count", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["community", "created_by", "maintainers", "tags"]
    readonly_fields = ["version", "adoption_count", "body_html"]
    inlines = [VersionInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """Anonymous lessons show no author here either (as in discussions)."""

    list_display = ["title", "community", "outcome", "is_anonymous", "created_at"]
    list_filter = ["outcome", "is_anonymous"]
    search_fields = ["title"]
    raw_id_fields = ["community", "practices"]
    exclude = ["author"]


@admin.register(ChangeProposal)
class ChangeProposalAdmin(admin.ModelAdmin):
    list_display = ["practice", "lesson", "status", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["practice", "lesson", "decided_by"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "year", "file_name", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "authors", "doi", "isbn"]
    raw_id_fields = ["community", "added_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    exclude = ["file"]  # no public address: files are downloaded through the policy
    readonly_fields = ["file_name", "file_type", "file_size"]


@admin.register(ResourceReview)
class ResourceReviewAdmin(admin.ModelAdmin):
    list_display = ["resource", "author", "useful_for", "created_at"]
    raw_id_fields = ["resource", "author"]


@admin.register(ReadingList)
class ReadingListAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "created_by", "created_at"]
    raw_id_fields = ["community", "created_by"]
