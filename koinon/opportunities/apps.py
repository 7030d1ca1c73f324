from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "koinon.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self):
        from koinon.opportunities import search

        search.register()
