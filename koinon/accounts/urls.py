from django.urls import path

from koinon.accounts import views

urlpatterns = [
    path("people/<int:pk>/", views.profile_detail, name="profile-detail"),
    path("settings/", views.settings_profile, name="settings"),
    path("settings/skills/", views.settings_skills, name="settings-skills"),
    path("settings/skills/<int:skill_id>/", views.skill_update, name="skill-update"),
    path("settings/skills/<int:skill_id>/remove/", views.skill_remove, name="skill-remove"),
    path("settings/photo/", views.settings_avatar, name="settings-avatar"),
    path("settings/photo/remove/", views.avatar_remove, name="avatar-remove"),
    path("settings/preferences/", views.settings_preferences, name="settings-preferences"),
    path("settings/tokens/", views.settings_tokens, name="settings-tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("settings/data/", views.settings_data, name="settings-data"),
    path("settings/data/export/", views.data_export, name="data-export"),
    path("settings/delete-account/", views.settings_erase, name="settings-erase"),
]
