"""Row locks on tickets, always taken here and always in primary-key order.

Taking locks in one order means two transactions that lock several tickets
(bulk actions, a follow-up and its original) can never deadlock each other.
"""

from collections.abc import Iterable

from django.db import transaction

from tickets.models import Ticket


def lock_tickets(ticket_ids: Iterable[int], *, skip_locked: bool = False) -> list[Ticket]:
    """Lock and return fresh copies of the tickets, in primary-key order.

    Must run inside ``transaction.atomic()``; the locks hold until it commits.
    With ``skip_locked``, tickets another transaction holds are left out
    (batch jobs come back for them). On SQLite (no row locks) the write
    transaction serialises instead.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_tickets() must be called inside transaction.atomic()")
    ids = sorted(set(ticket_ids))
    # Lock the bare rows first: PostgreSQL re-reads a locked row that changed
    # while we waited, but not the rows a join brought along, so a joined
    # assignee could be stale. Loading afterwards, in a new statement, sees
    # what the transaction that held the lock committed.
    locked = list(
        Ticket.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not locked:
        return []
    return list(
        Ticket.objects.select_related("organization", "requester", "assignee", "category")
        .filter(pk__in=locked)
        .order_by("pk")
    )


def lock_ticket(ticket_id: int) -> Ticket:
    tickets = lock_tickets([ticket_id])
    if not tickets:
        raise Ticket.DoesNotExist(f"Ticket {ticket_id} does not exist.")
    return tickets[0]
