"""Rebuild the reputation ledger and sums from the source tables, then every
trust level. Safe to run at any time and as often as wanted (idempotent)."""

from django.core.management.base import BaseCommand

from koinon.reputation import ledger, trust


class Command(BaseCommand):
    help = "Rebuild reputation from reactions, accepted answers, adoptions and endorsements."

    def add_arguments(self, parser):
        parser.add_argument(
            "--trust-only", action="store_true", help="Only recompute trust levels."
        )

    def handle(self, *args, trust_only=False, **options):
        if not trust_only:
            counts = ledger.rebuild()
            self.stdout.write(
                "Ledger: {added} rows added, {changed} changed, {removed} removed; "
                "{people} people with reputation.".format(**counts)
            )
        n = trust.refresh_all()
        self.stdout.write(f"Trust levels: {n} people.")
