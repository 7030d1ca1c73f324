from django.core.management.base import BaseCommand

from koinon.polls.actions import close_due_polls


class Command(BaseCommand):
    help = "Record the closing of polls whose closing time has passed (run every few minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"{close_due_polls()} poll(s) closed.")
