from django.urls import path

from koinon.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell/", views.bell, name="notifications-bell"),
    path("notifications/read-all/", views.mark_all_read, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.mark_read, name="notification-read"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="notifications-unsubscribe",
    ),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
]
