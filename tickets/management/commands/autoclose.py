from django.core.management.base import BaseCommand

from tickets import services


class Command(BaseCommand):
    help = "Close solved tickets whose automatic-close window is over (the beat job, once)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        closed = services.tickets_auto_close_due(batch_size=batch_size)
        self.stdout.write(f"Closed {closed} ticket{'s' if closed != 1 else ''}.")
