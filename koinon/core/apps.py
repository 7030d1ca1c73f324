from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "koinon.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from koinon.core import signals  # noqa: F401
