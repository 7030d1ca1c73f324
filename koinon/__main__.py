"""The `koinon` command line: Django's management commands with our settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koinon.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["koinon", *sys.argv[1:]])


if __name__ == "__main__":
    main()
