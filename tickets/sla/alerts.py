"""Beat's service-level sweep: a warning before a target falls due and a
breach when it has, each exactly once per target, as ticket events.

The events are internal (customers never see them); the notifications app
turns them into notifications for the assignee (or, for an unassigned
ticket, every agent) and, for a breach, the support admins, through its
outbox like every other event.

Each mark is claimed by a conditional update in the same transaction as its
event: two sweeps running at once (two beat processes, a retry) cannot both
win, and a sweep killed before it commits leaves the mark unset, so the next
run records it. A warning that comes too late (beat was down until after the
due time) is not sent: the breach says it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tickets.events import record_event
from tickets.models import SlaClock, Ticket, TicketEvent


def sla_alerts_due(*, now: datetime | None = None, batch: int = 500) -> tuple[int, int]:
    """Record every warning and breach that is due; returns (warned, breached)."""
    now = now or timezone.now()
    warned = breached = 0
    warn = SlaClock.objects.filter(
        met_at__isnull=True,
        warned_at__isnull=True,
        breached_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + settings.HELPDESK_SLA_WARNING_LEAD,
    )
    for clock_id in _ids(warn, batch):
        warned += _alert(clock_id, claim=warn, mark="warned_at", now=now)
    # A target missed: still running past its due time, or met after it (a late
    # reply between two sweeps is a breach all the same).
    late = SlaClock.objects.filter(breached_at__isnull=True, due_at__lte=now).filter(
        Q(met_at__isnull=True) | Q(met_at__gt=F("due_at"))
    )
    for clock_id in _ids(late, batch):
        breached += _alert(clock_id, claim=late, mark="breached_at", now=now)
    return warned, breached


def _ids(clocks, batch: int) -> list[int]:
    return list(clocks.order_by("due_at", "pk").values_list("pk", flat=True)[:batch])


@transaction.atomic
def _alert(clock_id: int, *, claim, mark: str, now: datetime) -> int:
    if not claim.filter(pk=clock_id).update(**{mark: now}):
        return 0  # another sweep took it, or it was met meanwhile
    clock = SlaClock.objects.get(pk=clock_id)
    ticket = Ticket.objects.get(pk=clock.ticket_id)
    record_event(
        ticket,
        actor=None,
        kind=TicketEvent.Kind.SLA_WARNING if mark == "warned_at" else TicketEvent.Kind.SLA_BREACHED,
        now=now,
        from_value=clock.kind,
        to_value=clock.due_at.isoformat() if clock.due_at else "",
        is_internal=True,
    )
    return 1
