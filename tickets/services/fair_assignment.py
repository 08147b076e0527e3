"""Fair assignment of new tickets (issue 18), optional per deployment.

``HELPDESK_AUTO_ASSIGN`` says how a new ticket finds its agent among those
marked available (``User.is_available``), active and in support:

- ``round_robin``: in turn, to the agent the assignment served longest ago
  (``User.auto_assigned_at``; never served first, then by id);
- ``least_active``: to the agent holding the fewest unsolved tickets;
- ``off`` (the default): tickets wait in Unassigned as before.

Nobody is given a ticket while they hold ``HELPDESK_AUTO_ASSIGN_CAP``
unsolved ones or more; when everyone is full, the ticket waits unassigned.
The assignment is ``ticket_assign``'s (its event and notifications, the
lifecycle's move), made by the system (no actor).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from tickets.models import Ticket
from tickets.queues import UNSOLVED


def _chosen(mode: str, agents: list[int]) -> int | None:
    """The agent ``mode`` picks among ``agents`` (locked ids), or None if all are full."""
    rows = (
        User.objects.filter(pk__in=agents)
        .annotate(load=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=UNSOLVED)))
        .filter(load__lt=settings.HELPDESK_AUTO_ASSIGN_CAP)
    )
    turn = F("auto_assigned_at").asc(nulls_first=True)
    if mode == "least_active":
        rows = rows.order_by("load", turn, "pk")
    else:
        rows = rows.order_by(turn, "pk")
    return rows.values_list("pk", flat=True).first()


def ticket_auto_assign(*, ticket: Ticket) -> Ticket:
    """Give the new, unassigned ``ticket`` to an available agent, if the deployment
    says so and someone has room; returns the ticket (unchanged otherwise).

    Runs inside the transaction that opened the ticket. It locks the available
    agents' rows (in id order, ``FOR NO KEY UPDATE``: other writes naming them
    are not held up), so tickets opened at once take turns here and each
    counts the loads the previous ones committed: the cap holds and the
    spread stays fair under concurrency.
    """
    mode = settings.HELPDESK_AUTO_ASSIGN
    if mode == "off" or ticket.assignee_id is not None:
        return ticket
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ticket_auto_assign() must run inside the opening's transaction")
    agents = list(
        User.objects.select_for_update(no_key=True)
        .filter(is_available=True, is_active=True, role__in=User.STAFF_ROLES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not agents:
        return ticket
    chosen = _chosen(mode, agents)
    if chosen is None:
        return ticket
    # Here, not at the top: support imports conversation, which opens follow-ups.
    from tickets.services.support import ticket_assign

    # Written under the lock taken above: the next opening sees whose turn it is.
    User.objects.filter(pk=chosen).update(auto_assigned_at=timezone.now())
    return ticket_assign(ticket=ticket, actor=None, assignee=User.objects.get(pk=chosen))
