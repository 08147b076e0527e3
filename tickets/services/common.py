"""Pieces the service modules share: input cleaning, events and search documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError

from tickets.models import Message, Ticket


def clean_text(
    value: str | None,
    *,
    field: str,
    required: str,
    max_length: int | None = None,
    too_long: str = "",
) -> str:
    """``value`` stripped; ``ValidationError`` on ``field`` when empty (``required``,
    a sentence naming the field) or past ``max_length`` (``too_long``, with
    ``%(max)d`` and ``%(count)d``). Whole sentences rather than a label put into
    one, so that each language can phrase them."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required})
    if max_length is not None and len(text) > max_length:
        raise ValidationError({field: too_long % {"max": max_length, "count": len(text)}})
    return text


def touch(ticket: Ticket, *, now: datetime, fields: tuple[str, ...] = ()) -> None:
    """Save ``fields`` and the update time (the list's "Updated" column)."""
    ticket.updated_at = now
    ticket.save(update_fields=[*fields, "updated_at"])


def search_document_text(ticket: Ticket, public_messages: Iterable[Message]) -> str:
    """What search matches: everything a customer may see, no internal note.

    ``public_messages``: the ticket's messages that are not internal, oldest
    first, with their authors.
    """
    parts = [
        str(ticket.pk),
        ticket.subject,
        ticket.description,
        ticket.internal_reference,
        ticket.requester.full_name,
        ticket.requester.email,
    ]
    for message in public_messages:
        author = message.author
        # Support engineers are known to customers by name only: their
        # addresses must not be findable (a search is an oracle).
        email = "" if author.is_support_staff else author.email
        parts.extend([author.full_name, email, message.body])
    return "\n".join(part for part in parts if part)


def search_document_refresh(ticket: Ticket) -> None:
    public = (
        Message.objects.filter(ticket=ticket, is_internal=False)
        .select_related("author")
        .order_by("created_at", "id")
    )
    ticket.search_document = search_document_text(ticket, public)
    Ticket.objects.filter(pk=ticket.pk).update(search_document=ticket.search_document)


def search_documents_rebuild(*, batch: int = 500) -> int:
    """Rebuild every ticket's search text (after its rules change); returns the count.

    In batches of ``batch`` tickets, three queries each, so a million tickets
    never sit in memory at once.
    """
    done = 0
    last = 0
    while True:
        tickets = list(
            Ticket.objects.filter(pk__gt=last)
            .select_related("requester")
            .only(
                "pk",
                "subject",
                "description",
                "internal_reference",
                "requester__full_name",
                "requester__email",
            )
            .order_by("pk")[:batch]
        )
        if not tickets:
            return done
        messages: dict[int, list[Message]] = {ticket.pk: [] for ticket in tickets}
        public = (
            Message.objects.filter(ticket__in=tickets, is_internal=False)
            .select_related("author")
            .order_by("created_at", "id")
        )
        for message in public:
            messages[message.ticket_id].append(message)
        for ticket in tickets:
            ticket.search_document = search_document_text(ticket, messages[ticket.pk])
        Ticket.objects.bulk_update(tickets, ["search_document"])
        done += len(tickets)
        last = tickets[-1].pk


def notes_document_refresh(ticket: Ticket) -> None:
    """Rebuild support's search text of internal notes (never shown to customers)."""
    notes = Message.objects.filter(ticket=ticket, is_internal=True).order_by("created_at", "id")
    ticket.notes_document = "\n".join(notes.values_list("body", flat=True))
    Ticket.objects.filter(pk=ticket.pk).update(notes_document=ticket.notes_document)
