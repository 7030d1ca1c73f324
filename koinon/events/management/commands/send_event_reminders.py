from django.core.management.base import BaseCommand

from koinon.events.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the e-mail reminders due now (24 hours and 1 hour before); run every 5 minutes."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
