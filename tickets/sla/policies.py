"""Which service level a ticket is owed: its organisation's contract, or else
its tier's policy, at the ticket's priority, on the policy's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q

from accounts.models import Organization
from tickets.models import BusinessCalendar, SlaPolicyTarget, Ticket
from tickets.sla.hours import Hours, interval


@dataclass(frozen=True)
class Targets:
    """Minutes of ``hours`` for each target; ``None``: that target is not owed."""

    policy_id: int
    first_response: int | None
    next_response: int | None
    resolution: int | None
    hours: Hours
    # Waiting for the customer: remind, then solve, after these business days.
    reminder_days: int | None = None
    solve_days: int | None = None


def calendar_hours(calendar: BusinessCalendar) -> Hours:
    if calendar.always_open:
        return Hours.around_the_clock()
    weekly: dict[int, list[tuple[int, int]]] = {}
    for row in calendar.hours.all():
        weekly.setdefault(row.weekday, []).append(interval(row.opens, row.closes))
    return Hours(
        zone=ZoneInfo(calendar.time_zone),
        weekly=weekly,
        holidays=frozenset(calendar.holidays.values_list("date", flat=True)),
    )


def targets_for(ticket: Ticket) -> Targets | None:
    """The targets that apply to ``ticket`` now; ``None`` when no policy does."""
    organization = ticket.organization
    rows = (
        SlaPolicyTarget.objects.filter(priority=ticket.priority)
        .filter(
            Q(policy__organization_id=organization.pk)
            | Q(policy__tier=organization.support_tier, policy__organization__isnull=True)
        )
        .select_related("policy__calendar")
    )
    # The contract first: its row, when it has one, wins over the tier's.
    chosen = min(rows, key=lambda row: row.policy.organization_id is None, default=None)
    if chosen is None:
        return None
    return Targets(
        policy_id=chosen.policy_id,
        first_response=chosen.first_response,
        next_response=chosen.next_response,
        resolution=chosen.resolution,
        hours=calendar_hours(chosen.policy.calendar),
        reminder_days=chosen.policy.waiting_reminder_days,
        solve_days=chosen.policy.waiting_solve_days,
    )


def _contract_last(row: tuple) -> bool:
    return row[3] is not None


def first_response_targets(organization: Organization) -> dict[int, tuple[int, bool]]:
    """Priority -> (first-response minutes, counted in business hours) for
    ``organization``: its contract's rows over its tier's. One query."""
    rows = SlaPolicyTarget.objects.filter(
        Q(policy__organization_id=organization.pk)
        | Q(policy__tier=organization.support_tier, policy__organization__isnull=True)
    ).values_list(
        "priority", "first_response", "policy__calendar__always_open", "policy__organization"
    )
    chosen: dict[int, tuple[int | None, bool]] = {}
    # Tier rows first, then the contract's, which overwrite them (as ``targets_for``).
    for priority, minutes, always_open, _contract in sorted(rows, key=_contract_last):
        chosen[priority] = (minutes, not always_open)
    return {
        priority: (minutes, business)
        for priority, (minutes, business) in chosen.items()
        if minutes is not None
    }
