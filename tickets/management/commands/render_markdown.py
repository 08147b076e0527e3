from django.core.management.base import BaseCommand

from tickets.markdown import markdown_html
from tickets.models import Message, Ticket


class Command(BaseCommand):
    help = (
        "Store the rendered HTML of messages and descriptions that have none (written "
        "before it was stored); --all renders every one again (after the sanitiser's "
        "rules change). Pages render a missing copy when shown, so this only saves time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="rows per query")
        parser.add_argument("--all", action="store_true", help="render every row again")

    def handle(self, *args, batch: int, all: bool, **options):
        for model, text, html in (
            (Ticket, "description", "description_html"),
            (Message, "body", "body_html"),
        ):
            count = _render(model, text, html, batch=batch, everything=all)
            self.stdout.write(f"Rendered {count} {model._meta.verbose_name_plural}.")


def _render(model, text: str, html: str, *, batch: int, everything: bool) -> int:
    """Walk ``model`` by primary key in batches (a keyset: no offset, no long
    transaction); each batch is one read and one ``bulk_update``."""
    count, after = 0, 0
    rows = model._base_manager.order_by("pk")
    if not everything:
        rows = rows.filter(**{html: ""})
    while True:
        chunk = list(rows.filter(pk__gt=after).only("pk", text)[:batch])
        if not chunk:
            return count
        for row in chunk:
            setattr(row, html, markdown_html(getattr(row, text)))
        model._base_manager.bulk_update(chunk, [html])
        count += len(chunk)
        after = chunk[-1].pk
