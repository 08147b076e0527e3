from django.core.management.base import BaseCommand

from tickets.services.common import search_documents_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild every ticket's search text from its subject, description and public "
        "messages (after an upgrade that changes what search matches)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="tickets per transaction")

    def handle(self, *args, batch: int, **options):
        count = search_documents_rebuild(batch=batch)
        self.stdout.write(f"Rebuilt the search text of {count} tickets.")
