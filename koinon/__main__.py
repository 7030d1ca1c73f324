"""The `koinon` command line: Django's management commands with our settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koinon.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 -- read the settings now, to report bad values clearly
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"koinon: configuration error: {exc}\n")
        sys.exit(2)
    execute_from_command_line(["koinon", *sys.argv[1:]])


if __name__ == "__main__":
    main()
