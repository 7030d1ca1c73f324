"""Hooks by which every app adds to a person's data export and erasure (GDPR).

An app that keeps personal data has a `personal_data` module defining
`export(user) -> dict` (a section of the export, named after the app) and/or
`erase(user) -> None` (run inside the erasure's transaction).
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def _modules():
    for config in apps.get_app_configs():
        if config.name.startswith("koinon.") and module_has_submodule(
            config.module, "personal_data"
        ):
            yield config.label, import_module(f"{config.name}.personal_data")


def export_sections() -> dict:
    return {label: module.export for label, module in _modules() if hasattr(module, "export")}


def erasers() -> list:
    return [module.erase for _label, module in _modules() if hasattr(module, "erase")]
