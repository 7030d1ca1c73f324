from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "koinon.standards"
    label = "standards"
    verbose_name = _("Standards")

    def ready(self):
        from koinon.standards import search  # noqa: F401  (registers the search builder)
