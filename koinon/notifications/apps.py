from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "koinon.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from koinon.notifications import receivers

        receivers.connect()
