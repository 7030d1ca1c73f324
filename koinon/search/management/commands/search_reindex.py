"""Fill the one search again.

python -m koinon search_reindex            # every post and every other kind
python -m koinon search_reindex --items    # only practices, ideas, events... (after
                                           # upgrading a database that had only posts)
"""

from django.core.management.base import BaseCommand

from koinon.search import index, items


class Command(BaseCommand):
    help = "Rebuild the search index: posts and every other kind of content."

    def add_arguments(self, parser):
        parser.add_argument(
            "--items",
            action="store_true",
            help="only the content other than posts (practices, ideas, events...)",
        )

    def handle(self, *args, **options):
        count = items.rebuild() if options["items"] else index.rebuild()
        self.stdout.write(f"Indexed {count} documents.")
