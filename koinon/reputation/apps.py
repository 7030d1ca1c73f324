from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReputationConfig(AppConfig):
    name = "koinon.reputation"
    label = "reputation"
    verbose_name = _("Reputation")

    def ready(self):
        from koinon.reputation import receivers

        receivers.connect()
