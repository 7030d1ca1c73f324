from django.urls import path

from koinon.accounts import views

urlpatterns = [
    path("people/<int:pk>/", views.profile_detail, name="profile-detail"),
    path("settings/", views.settings_home, name="settings"),
]
