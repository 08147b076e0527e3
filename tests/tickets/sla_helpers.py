"""Setting the scene for service-level tests: clocks that run around the
clock (so due times follow from creation whatever the hour the suite runs),
and tickets made older than they are."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F

from tickets.models import BusinessCalendar, SlaClock, SlaPolicy, Ticket, TicketEvent
from tickets.sla.refresh import sla_refresh


def around_the_clock() -> None:
    """Every default policy counts calendar time (the 24×7 calendar)."""
    SlaPolicy.objects.update(calendar=BusinessCalendar.objects.get(always_open=True))


def set_targets(tier: str, priority: int, **minutes) -> None:
    """Change one row of a tier's default matrix (first_response=..., resolution=...)."""
    SlaPolicy.objects.get(tier=tier).targets.filter(priority=priority).update(**minutes)


def age(ticket: Ticket, delta: timedelta) -> Ticket:
    """Move the ticket's whole history ``delta`` into the past and replay its clocks."""
    for event in TicketEvent.objects.filter(ticket=ticket):
        event.created_at -= delta
        event.save(update_fields=["created_at"])
    Ticket.objects.filter(pk=ticket.pk).update(created_at=ticket.created_at - delta)
    SlaClock.objects.filter(ticket=ticket).delete()
    sla_refresh(ticket.pk)
    ticket.refresh_from_db()
    return ticket


def due_when_answered(ticket: Ticket) -> Ticket:
    """Make the ticket's first reply, answered on time, due the moment it was
    answered. A target counts in the period its due time falls in; one due
    twenty minutes ahead is tomorrow, outside the period, in the day's last
    minutes, and a test of today's figures would fail then."""
    moved = SlaClock.objects.filter(
        ticket=ticket, kind=SlaClock.Kind.FIRST_RESPONSE, met_at__isnull=False
    ).update(due_at=F("met_at"))
    assert moved == 1, "no answered first-response target to move"
    return ticket
