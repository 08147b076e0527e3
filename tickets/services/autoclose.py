"""The automatic close of solved tickets (DESIGN.md: 72 hours after Solved)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets import workflow
from tickets.counters import counters_batched
from tickets.locks import lock_tickets
from tickets.models import Status, Ticket
from tickets.workflow import Action


def tickets_auto_close_due(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Close every solved ticket that is due, in batches; returns how many closed.

    The one door of the automatic close: beat's task, ``manage.py autoclose``
    and the tests all call it (``now`` lets a test say when "now" is).

    Each batch is one transaction that locks its tickets, skipping any another
    transaction holds (a customer replying right now): the next run takes
    them if they are still due. Every ticket is re-checked under its lock, so
    one the customer reopened meanwhile stays open. Idempotent.
    """
    now = now or timezone.now()
    cutoff = now - settings.HELPDESK_AUTO_CLOSE_AFTER
    due = list(
        Ticket.objects.filter(status=Status.SOLVED, solved_at__lte=cutoff)
        .order_by("solved_at", "pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for start in range(0, len(due), batch_size):
        with transaction.atomic(), counters_batched():
            for ticket in lock_tickets(due[start : start + batch_size], skip_locked=True):
                if workflow.is_due_for_auto_close(ticket, now=now):
                    workflow.apply(ticket, Action.AUTO_CLOSE, actor=None, now=now)
                    closed += 1
    return closed
