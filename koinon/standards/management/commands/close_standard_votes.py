"""Close the ratification votes whose end has passed and store their results.

Pages and the API also close a due vote when they read it; run this every few
minutes (cron or the worker) so results are stored even when nobody looks.
"""

from django.core.management.base import BaseCommand

from koinon.standards.actions import close_due_ballots


class Command(BaseCommand):
    help = "Close the ratification votes whose end has passed and store their results."

    def handle(self, *args, **options):
        closed = close_due_ballots()
        self.stdout.write(f"{closed} vote(s) closed.")
