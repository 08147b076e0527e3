import sys

from django.core.management.base import BaseCommand, CommandError

from inbound.models import InboundEmail
from inbound.services import email_ingest


class Command(BaseCommand):
    help = (
        "Take one raw email (RFC 5322) from a file or standard input, e.g. from an MTA pipe, "
        "and handle it like the IMAP poller would."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="A .eml file, or - for stdin.")
        parser.add_argument("--recipient", default="", help="The envelope recipient, if known.")

    def handle(self, *args, path: str, recipient: str, **options):
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        if not raw.strip():
            raise CommandError("The message is empty.")
        inbound = email_ingest(raw=raw, source=InboundEmail.Source.PIPE, recipient=recipient)
        self.stdout.write(f"{inbound.get_state_display()}: {inbound.reason or inbound.error}")
        if inbound.state == InboundEmail.State.FAILED:
            # The message is stored and can be retried; a non-zero exit lets the MTA know.
            raise CommandError(f"Stored as #{inbound.pk} but not handled: see the admin.")
