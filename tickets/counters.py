"""Ticket counts per organisation, status and assigned-or-not, kept as tickets move.

``Ticket.status`` changes only in ``tickets.workflow``, tickets are born in
``services.ticket_open`` and assignees change in ``services.ticket_assign``;
each calls ``counter_shift`` in the same transaction, so the counts commit or
roll back with the change they count. A state is ``(status, assigned)``.
Rows are updated in one fixed order, (organisation, status), so that two
transactions shifting counters in opposite directions cannot deadlock; and
always after the ticket rows are locked, never before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum

from tickets.models import Status, Ticket, TicketCounter

_batch: ContextVar[Counter | None] = ContextVar("ticket_counter_batch", default=None)


State = tuple[str, bool]  # (status, has an assignee)


def ticket_state(ticket: Ticket) -> State:
    return (ticket.status, ticket.assignee_id is not None)


def counter_shift(
    *, organization_id: int, from_state: State | None, to_state: State | None
) -> None:
    """One ticket of the organisation left ``from_state`` for ``to_state`` (None: none)."""
    if from_state == to_state:
        return
    deltas: Counter = Counter()
    if from_state:
        deltas[(organization_id, *from_state)] -= 1
    if to_state:
        deltas[(organization_id, *to_state)] += 1
    batch = _batch.get()
    if batch is not None:
        batch.update(deltas)
    else:
        _write(deltas)


@contextmanager
def counters_batched() -> Iterator[None]:
    """Collect the shifts made inside the block and write them once at its end.

    For jobs that move many tickets in one transaction (the automatic close):
    one UPDATE per counter row instead of two per ticket. Use it inside that
    transaction; if the block raises, nothing is written (the transaction
    rolls back anyway).
    """
    batch: Counter = Counter()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    _write(batch)


def _write(deltas: Counter) -> None:
    for key in sorted(deltas):
        delta = deltas[key]
        if not delta:
            continue
        organization_id, status, assigned = key
        rows = TicketCounter.objects.filter(
            organization_id=organization_id, status=status, assigned=assigned
        )
        if not rows.update(count=F("count") + delta):
            TicketCounter.objects.bulk_create(
                [TicketCounter(organization_id=organization_id, status=status, assigned=assigned)],
                ignore_conflicts=True,
            )
            rows.update(count=F("count") + delta)


def counts_by_status(
    organization_id: int | None = None, *, assigned: bool | None = None
) -> dict[str, int]:
    """Counts per status, for one organisation or (None) all, optionally only
    the tickets with (``assigned=True``) or without (``False``) an assignee."""
    rows = TicketCounter.objects.all()
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    if assigned is not None:
        rows = rows.filter(assigned=assigned)
    result = dict.fromkeys(Status.values, 0)
    for row in rows.values("status").annotate(total=Sum("count")):
        result[row["status"]] = row["total"] or 0
    return result


def organization_counts(request) -> dict[str, int]:
    """``counts_by_status`` of the viewer's organisation (every one for staff),
    read once per request: the list and the navigation both show it."""
    counts = getattr(request, "_organization_counts", None)
    if counts is None:
        user = request.user
        counts = counts_by_status(None if user.is_support_staff else user.organization_id)
        request._organization_counts = counts
    return counts


def counts_by_state() -> dict[State, int]:
    """Counts of every organisation together, per (status, assigned): one small query."""
    result = {(status, assigned): 0 for status in Status.values for assigned in (False, True)}
    for row in TicketCounter.objects.values("status", "assigned").annotate(total=Sum("count")):
        result[(row["status"], row["assigned"])] = row["total"] or 0
    return result


@transaction.atomic
def counters_rebuild() -> int:
    """Recount from the tickets table (after bulk loads or to repair); returns rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE tickets_ticket IN SHARE MODE")
    TicketCounter.objects.all().delete()
    grouped = (
        Ticket.objects.annotate(has_assignee=Q(assignee__isnull=False))
        .values("organization_id", "status", "has_assignee")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [
        TicketCounter(
            organization_id=row["organization_id"],
            status=row["status"],
            assigned=row["has_assignee"],
            count=row["n"],
        )
        for row in grouped
    ]
    TicketCounter.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
