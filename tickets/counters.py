"""Per-organisation, per-status ticket counts, kept as tickets move.

``Ticket.status`` changes only in ``tickets.workflow`` (and tickets are born
in ``services.ticket_open``); both call ``counter_shift`` in the same
transaction, so the counts commit or roll back with the change they count.
Rows are updated in a fixed (status) order so that two transactions shifting
the same organisation's counters in opposite directions cannot deadlock.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from tickets.models import Status, Ticket, TicketCounter


def counter_shift(*, organization_id: int, from_status: str | None, to_status: str | None) -> None:
    """One ticket of the organisation left ``from_status`` for ``to_status`` (None: none)."""
    if from_status == to_status:
        return
    deltas = {}
    if from_status:
        deltas[from_status] = -1
    if to_status:
        deltas[to_status] = +1
    for status in sorted(deltas):
        rows = TicketCounter.objects.filter(organization_id=organization_id, status=status)
        if not rows.update(count=F("count") + deltas[status]):
            TicketCounter.objects.bulk_create(
                [TicketCounter(organization_id=organization_id, status=status)],
                ignore_conflicts=True,
            )
            rows.update(count=F("count") + deltas[status])


def counts_by_status(organization_id: int | None = None) -> dict[str, int]:
    """Counts per status, for one organisation or (None) for all of them."""
    rows = TicketCounter.objects.all()
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    result = dict.fromkeys(Status.values, 0)
    for row in rows.values("status").annotate(total=Sum("count")):
        result[row["status"]] = row["total"] or 0
    return result


@transaction.atomic
def counters_rebuild() -> int:
    """Recount from the tickets table (after bulk loads or to repair); returns rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE tickets_ticket IN SHARE MODE")
    TicketCounter.objects.all().delete()
    rows = [
        TicketCounter(organization_id=row["organization_id"], status=row["status"], count=row["n"])
        for row in Ticket.objects.values("organization_id", "status").annotate(n=Count("id"))
    ]
    TicketCounter.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
