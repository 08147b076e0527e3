from django.core.management.base import BaseCommand

from tickets.counters import counters_rebuild


class Command(BaseCommand):
    help = "Recount the per-organisation, per-status ticket counters (after a bulk load)."

    def handle(self, *args, **options):
        rows = counters_rebuild()
        self.stdout.write(f"Rebuilt {rows} counter rows.")
