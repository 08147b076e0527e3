"""Remembering when a user last saw a ticket (what makes rows stand out)."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from tickets.models import Ticket, TicketRead


def ticket_mark_seen(*, ticket: Ticket, user: User) -> None:
    """Record that ``user`` has just seen everything on ``ticket``.

    Nothing is written when the mark already covers the ticket's last change:
    viewing a ticket again costs one small read, not a write and a commit.
    """
    seen_at = (
        TicketRead.objects.filter(user=user, ticket=ticket)
        .values_list("seen_at", flat=True)
        .first()
    )
    if seen_at is not None and seen_at >= ticket.updated_at:
        return
    TicketRead.objects.bulk_create(
        [
            TicketRead(
                user=user,
                ticket=ticket,
                organization_id=ticket.organization_id,
                seen_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["seen_at"],
    )
