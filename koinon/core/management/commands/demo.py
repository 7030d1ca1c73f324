from django.core.management.base import BaseCommand

from koinon.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo communities and people (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        report = load_demo()
        self.stdout.write(str(report))
