from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "koinon.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from koinon.search import signals  # connects the receivers

        signals.connect_deletions()
