from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from koinon.accounts.models import ApiToken, Profile, ProfileSkill, Skill, User


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    fk_name = "user"
    autocomplete_fields = ["skill"]
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined", "erased_at"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "profile__display_name"]
    readonly_fields = ["last_login", "date_joined", "erased_at"]
    inlines = [ProfileSkillInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "erased_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "organisation", "sector", "country", "visibility"]
    list_filter = ["visibility", "open_to_mentoring", "open_to_being_mentored"]
    search_fields = ["display_name", "user__email", "organisation", "sector"]
    raw_id_fields = ["user"]
    readonly_fields = ["bio_html", "updated_at"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ProfileSkill)
class ProfileSkillAdmin(admin.ModelAdmin):
    list_display = ["user", "skill", "level"]
    list_filter = ["level"]
    search_fields = ["user__email", "skill__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["skill"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "scope", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["token_hash", "hint", "created_at", "last_used_at"]
    fields = [
        "user",
        "name",
        "scope",
        "hint",
        "token_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        # Tokens are issued in settings or with `koinon token create`, so the raw value is shown.
        return False
