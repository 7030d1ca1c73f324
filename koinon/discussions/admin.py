from django.contrib import admin

from koinon.discussions.models import Post, PostRevision, Reaction, Tag, Topic


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class PostInline(admin.TabularInline):
    model = Post
    fields = ["is_anonymous", "created_at", "deleted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "label", "pinned", "closed", "archived"]
    list_filter = ["kind", "label", "pinned", "closed", "archived"]
    search_fields = ["title"]
    raw_id_fields = ["community", "group", "author", "accepted_answer"]
    filter_horizontal = ["tags"]
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["pk", "topic", "created_at", "is_anonymous", "deleted_at"]
    list_filter = ["is_anonymous"]
    raw_id_fields = ["topic", "author", "deleted_by"]
    readonly_fields = ["body_html"]


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ["post", "editor", "created_at"]
    raw_id_fields = ["post", "editor"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["post", "user", "kind", "created_at"]
    raw_id_fields = ["post", "user"]
