from django.core.management.base import BaseCommand

from koinon.search import index


class Command(BaseCommand):
    help = "Rebuild the search index from every post."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(f"Indexed {count} posts.")
