"""Which service level a ticket is owed: its organisation's contract, or else
its tier's policy, at the ticket's priority, on the policy's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

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


def _applicable(organization: Organization) -> QuerySet[SlaPolicyTarget]:
    """The target rows of ``organization``'s contract and of its tier's policy."""
    return SlaPolicyTarget.objects.filter(
        Q(policy__organization_id=organization.pk)
        | Q(policy__tier=organization.support_tier, policy__organization__isnull=True)
    ).select_related("policy__calendar")


def _by_priority(rows) -> dict[int, SlaPolicyTarget]:
    """Each priority's row: the contract's where it has one, else the tier's."""
    chosen: dict[int, SlaPolicyTarget] = {}
    for row in sorted(rows, key=lambda row: row.policy.organization_id is not None):
        chosen[row.priority] = row
    return chosen


def targets_for(ticket: Ticket) -> Targets | None:
    """The targets that apply to ``ticket`` now; ``None`` when no policy does. One
    query, and two for a calendar with working hours."""
    rows = _applicable(ticket.organization).filter(priority=ticket.priority)
    chosen = _by_priority(rows).get(ticket.priority)
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


def first_response_targets(organization: Organization) -> dict[int, tuple[int, bool]]:
    """Priority -> (first-response minutes, counted in business hours) for
    ``organization``, chosen as ``targets_for`` chooses. One query."""
    return {
        priority: (row.first_response, not row.policy.calendar.always_open)
        for priority, row in _by_priority(_applicable(organization)).items()
        if row.first_response is not None
    }
