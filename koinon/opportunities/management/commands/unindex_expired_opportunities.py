"""Drop expired opportunities from the one search (run daily; lists need no job).

The lists filter on the expiry date, so an expired opportunity leaves them at once; the
search index is a copy, refreshed when an opportunity is published, edited or closed,
so one that simply expires is removed from it by this command.
"""

from django.core.management.base import BaseCommand

from koinon.opportunities.actions import unindex_expired


class Command(BaseCommand):
    help = "Remove expired opportunities from the search index."

    def handle(self, *args, **options):
        count = unindex_expired()
        self.stdout.write(f"{count} expired opportunities unindexed")
