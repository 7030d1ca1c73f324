from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "koinon.api"
    label = "api"
    verbose_name = "API"
