from django.contrib import admin

from koinon.communities.models import (
    Community,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Membership,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "visibility", "join_policy", "created_at"]
    list_filter = ["kind", "visibility", "join_policy", "formality"]
    search_fields = ["name", "slug", "domain"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user__profile", "community"]
    search_fields = ["user__email", "community__name"]
    raw_id_fields = ["user", "community"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "community", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["community"]
    search_fields = ["email", "community__name"]
    raw_id_fields = ["community", "invited_by", "accepted_by"]
    readonly_fields = ["token"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["user__profile", "community"]
    raw_id_fields = ["user", "community", "decided_by"]


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "kind", "is_open"]
    list_filter = ["kind", "is_open"]
    list_select_related = ["community"]
    search_fields = ["name", "community__name"]
    raw_id_fields = ["community", "created_by"]
    inlines = [GroupMembershipInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "joined_at"]
    list_select_related = ["user__profile", "group"]
    raw_id_fields = ["user", "group"]
