"""Tickets waiting too long for their customer: a reminder after the policy's
business days, then (if the policy says) an automatic solve, each once per
wait, each an event the customers are told of through the notifications
outbox (beat runs this with the service-level alerts).

The due times are kept on the ticket by ``tickets.sla.refresh`` when the wait
begins (and after any change of policy); this sweep only reads the two
indexed columns. A reminder is claimed by a conditional update in the act
that records it; a solve re-checks the ticket under its lock, so a customer
answering at that moment wins.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from tickets import workflow
from tickets.events import act, record_event
from tickets.locks import lock_ticket
from tickets.models import Status, Ticket, TicketEvent


def waiting_nudges_due(*, now: datetime | None = None, batch: int = 500) -> tuple[int, int]:
    """Solve, then remind, every waiting ticket that is due; returns (reminded, solved)."""
    now = now or timezone.now()
    waiting = Ticket.objects.filter(status=Status.WAITING)
    solved = sum(_solve(pk, now) for pk in _ids(waiting.filter(waiting_solve_at__lte=now), batch))
    reminded = sum(
        _remind(pk, now) for pk in _ids(waiting.filter(waiting_remind_at__lte=now), batch)
    )
    return reminded, solved


def _ids(tickets, batch: int) -> list[int]:
    return list(tickets.order_by("pk").values_list("pk", flat=True)[:batch])


def _remind(ticket_id: int, now: datetime) -> int:
    with act():
        claimed = Ticket.objects.filter(
            pk=ticket_id, status=Status.WAITING, waiting_remind_at__lte=now
        ).update(waiting_remind_at=None)
        if not claimed:
            return 0  # answered, solved or reminded meanwhile
        ticket = Ticket.objects.get(pk=ticket_id)
        record_event(ticket, actor=None, kind=TicketEvent.Kind.REMINDED, now=now)
        return 1


def _solve(ticket_id: int, now: datetime) -> int:
    with act():
        ticket = lock_ticket(ticket_id)
        due = ticket.waiting_solve_at
        if ticket.status != Status.WAITING or due is None or due > now:
            return 0
        workflow.apply(ticket, workflow.Action.AUTO_SOLVE, actor=None, now=now)
        return 1
