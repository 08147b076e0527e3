"""Writing a ticket's clocks and due times from its history.

``tickets.events`` calls ``sla_refresh`` at the end of every act that touched
a ticket, inside the act's transaction, so the due times change with the
change that moved them or not at all. Configuration changes (a policy, a
calendar, an organisation's tier) call ``sla_refresh_active`` for the tickets
still running.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from accounts.models import User
from tickets.models import WORKED_STATUSES, SlaClock, Status, Ticket, TicketEvent
from tickets.sla import hours as business
from tickets.sla.clocks import Clock, Step, replay
from tickets.sla.policies import Targets, targets_for

_STEP_KINDS = (TicketEvent.Kind.CREATED, TicketEvent.Kind.REPLIED, TicketEvent.Kind.STATUS)
_DUE_FIELDS = ("first_response_due", "next_response_due", "resolution_due", "sla_due")


def history_steps(ticket_id: int) -> list[Step]:
    rows = (
        TicketEvent.objects.filter(ticket_id=ticket_id, kind__in=_STEP_KINDS, is_internal=False)
        .order_by("created_at", "id")
        .values_list("kind", "created_at", "to_value", "actor__role")
    )
    return [
        Step(
            kind=kind, at=at, to_value=to_value, by_support=role is None or role in User.STAFF_ROLES
        )
        for kind, at, to_value, role in rows
    ]


def due_times(clocks: Iterable[Clock]) -> dict[str, datetime | None]:
    """The ticket's due fields for its clocks: each running target's due time."""
    due: dict[str, datetime | None] = dict.fromkeys(_DUE_FIELDS)
    for clock in clocks:
        if clock.running and clock.due_at is not None:
            field = f"{clock.kind}_due"
            current = due[field]
            due[field] = clock.due_at if current is None else min(current, clock.due_at)
    pending = [value for field, value in due.items() if value is not None]
    due["sla_due"] = min(pending) if pending else None
    return due


def waiting_times(ticket: Ticket, targets: Targets | None) -> dict[str, datetime | None]:
    """When the reminder and the automatic solve of the current wait fall due:
    the policy's business days after the wait began; none once reminded."""
    times: dict[str, datetime | None] = {"waiting_remind_at": None, "waiting_solve_at": None}
    since = ticket.waiting_since
    if targets is None or ticket.status != Status.WAITING or since is None:
        return times
    day = business.day_minutes(targets.hours)
    if targets.reminder_days and not _reminded_since(ticket.pk, since):
        times["waiting_remind_at"] = business.add(targets.hours, since, targets.reminder_days * day)
    if targets.solve_days:
        times["waiting_solve_at"] = business.add(targets.hours, since, targets.solve_days * day)
    return times


def _reminded_since(ticket_id: int, since: datetime) -> bool:
    return TicketEvent.objects.filter(
        ticket_id=ticket_id, kind=TicketEvent.Kind.REMINDED, created_at__gte=since
    ).exists()


@transaction.atomic
def sla_refresh(ticket_id: int) -> list[Clock]:
    """Replay ``ticket_id``'s history against its policy and store the result."""
    # Locked, so that a replay for a configuration change and one for a reply
    # never interleave (the act's service already holds it: no new wait).
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=ticket_id)
    )
    targets = targets_for(ticket)
    clocks = replay(history_steps(ticket_id), targets) if targets is not None else []
    _store_clocks(ticket, clocks, policy_id=targets.policy_id if targets else None)
    due = {**due_times(clocks), **waiting_times(ticket, targets)}
    if any(getattr(ticket, field) != value for field, value in due.items()):
        Ticket.objects.filter(pk=ticket_id).update(**due)
        for field, value in due.items():
            setattr(ticket, field, value)
    return clocks


def _store_clocks(ticket: Ticket, clocks: list[Clock], *, policy_id: int | None) -> None:
    stored = {(row.kind, row.seq): row for row in SlaClock.objects.filter(ticket_id=ticket.pk)}
    new, changed = [], []
    for clock in clocks:
        row = stored.pop((clock.kind, clock.seq), None)
        if row is None:
            new.append(
                SlaClock(
                    ticket_id=ticket.pk,
                    organization_id=ticket.organization_id,
                    kind=clock.kind,
                    seq=clock.seq,
                    policy_id=policy_id,
                    started_at=clock.started_at,
                    due_at=clock.due_at,
                    met_at=clock.met_at,
                )
            )
        elif (row.started_at, row.due_at, row.met_at, row.policy_id) != (
            clock.started_at,
            clock.due_at,
            clock.met_at,
            policy_id,
        ):
            row.started_at, row.due_at, row.met_at = clock.started_at, clock.due_at, clock.met_at
            row.policy_id = policy_id
            changed.append(row)
    if new:
        SlaClock.objects.bulk_create(new)
    if changed:
        SlaClock.objects.bulk_update(changed, ["started_at", "due_at", "met_at", "policy"])
    if stored:
        SlaClock.objects.filter(pk__in=[row.pk for row in stored.values()]).delete()


def sla_refresh_active(*, organization_id: int | None = None, batch: int = 500) -> int:
    """Replay every ticket still being worked (of one organisation); returns how many.

    After a policy, calendar or tier changes: the new targets apply from each
    ticket's history, not from the time of the change.
    """
    tickets = Ticket.objects.filter(status__in=WORKED_STATUSES)
    if organization_id is not None:
        tickets = tickets.filter(organization_id=organization_id)
    done = 0
    last = 0
    while True:
        ids = list(tickets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        for ticket_id in ids:
            sla_refresh(ticket_id)
        done += len(ids)
        last = ids[-1]
