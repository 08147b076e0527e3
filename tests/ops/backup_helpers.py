"""A small desk with files of every kind, and what a restore must give back of it."""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from accounts.models import Organization, User
from tests.attachments.files import REAL, upload
from tickets import services
from tickets.models import Attachment, Message, Status, Ticket, TicketEvent

FILES_OPENED_WITH = ("screenshot.png", "invoice.pdf")
FILES_REPLIED_WITH = ("logs.zip", "notes.txt", "report.docx")
FILES_NOTED_WITH = ("export.csv",)


def desk_seed(*, alice, bob, carol, agent, make_ticket) -> dict[str, bytes]:
    """Tickets of two organisations with public replies, an internal note and six files.

    Returns the bytes each stored file was uploaded with, by original name.
    """
    first = make_ticket(alice, files=[upload(name) for name in FILES_OPENED_WITH])
    services.ticket_reply(
        ticket=first,
        author=agent,
        body="Please send the logs.",
        submit_as=Status.WAITING,
    )
    services.ticket_reply(
        ticket=first,
        author=bob,
        body="Here they are.",
        files=[upload(n) for n in FILES_REPLIED_WITH],
    )
    services.ticket_reply(
        ticket=first,
        author=agent,
        body="Internal: the trace shows a full disk.",
        internal=True,
        files=[upload(n) for n in FILES_NOTED_WITH],
    )
    second = make_ticket(carol, subject="Invoice questions")
    services.ticket_reply(ticket=second, author=carol, body="Any news?")
    names = FILES_OPENED_WITH + FILES_REPLIED_WITH + FILES_NOTED_WITH
    return {name: REAL[name] for name in names}


def desk_rows() -> dict[str, list[dict]]:
    """Every row a customer or an agent would miss, column by column."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Organization, User, Ticket, Message, Attachment, TicketEvent)
    }


def stored_bytes() -> dict[str, bytes]:
    """The bytes storage gives for each attachment, by original name."""
    found = {}
    for attachment in Attachment.objects.order_by("pk"):
        with attachment.file.open("rb") as handle:
            found[attachment.name] = handle.read()
    return found


def database_dropped() -> None:
    """Leave the test database with no table at all, as a new server's would be."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        connection.close()
        name = str(connection.settings_dict["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
    assert connection.introspection.table_names() == []
