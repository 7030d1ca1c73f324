from django.core.management.base import BaseCommand

from koinon.notifications.digests import send_digests


class Command(BaseCommand):
    help = "Send the daily or weekly digests (each person once per period)."

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=["daily", "weekly"], required=True)

    def handle(self, *args, period, **options):
        sent = send_digests(period)
        self.stdout.write(f"{sent} {period} digest(s) sent.")
