"""What each priority means: seed 000's Ticket Prioritization Matrix.

A ticket's priority follows from two questions a customer can answer: how
much is affected (impact) and how badly work is held up (urgency). Support
triages every new ticket against the same matrix and may change its priority.

``response_targets`` answers "how soon does support first answer a ticket of
each priority for this organisation", from the service-level policy that
applies (``tickets.sla.policies``); the matrix on the create form and on Get
support shows it beside each priority, in business hours where the policy's
calendar has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _

from accounts.models import Organization
from tickets.models import Priority
from tickets.sla.policies import first_response_targets


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    description: str


IMPACTS = (
    Level("wide", "Widespread", "A whole service or data centre, or most of your users."),
    Level("significant", "Significant", "One production system, or a group of users."),
    Level("limited", "Limited", "One user, one resource, or a test system."),
)
URGENCIES = (
    Level("stopped", "Work has stopped", "Nothing works and there is no workaround."),
    Level("impaired", "Work is impaired", "It works badly, or a workaround exists."),
    Level("can_wait", "It can wait", "A question, a request or a change that can be planned."),
)

# impact → urgency → priority, in the order of URGENCIES.
MATRIX: dict[str, tuple[Priority, Priority, Priority]] = {
    "wide": (Priority.URGENT, Priority.HIGH, Priority.NORMAL),
    "significant": (Priority.HIGH, Priority.NORMAL, Priority.LOW),
    "limited": (Priority.NORMAL, Priority.LOW, Priority.LOW),
}

MEANINGS = {
    Priority.URGENT: "A production service is down or unusable for many of your users, "
    "with no workaround.",
    Priority.HIGH: "A production system is offline or measurably degraded for reasons "
    "beyond your control, or a service is down for some users.",
    Priority.NORMAL: "A problem with a workaround, a problem that stops one user, "
    "or a new service request.",
    Priority.LOW: "A question, a cosmetic problem, or a change that can be planned; "
    "your operations are not affected.",
}


@dataclass(frozen=True)
class PriorityRow:
    priority: Priority
    meaning: str
    response_target: timedelta | None
    business_hours: bool = False

    @property
    def name(self) -> str:
        return self.priority.label.lower()

    @property
    def target_text(self) -> str:
        if not self.response_target:
            return ""
        text = duration_text(self.response_target)
        return (
            _("%(duration)s (business hours)") % {"duration": text} if self.business_hours else text
        )


@dataclass(frozen=True)
class MatrixRow:
    impact: Level
    cells: tuple[Priority, ...]


def priority_guide(organization: Organization | None) -> list[PriorityRow]:
    """Each priority, most urgent first, with its meaning and its first-response target."""
    targets = first_response_targets(organization) if organization is not None else {}
    rows = []
    for priority in sorted(Priority, reverse=True):
        minutes, business = targets.get(priority, (None, False))
        rows.append(
            PriorityRow(
                priority=priority,
                meaning=MEANINGS[priority],
                response_target=timedelta(minutes=minutes) if minutes else None,
                business_hours=business,
            )
        )
    return rows


def matrix_rows() -> list[MatrixRow]:
    return [MatrixRow(impact=impact, cells=MATRIX[impact.key]) for impact in IMPACTS]


def duration_text(value: timedelta) -> str:
    """``timedelta(minutes=30)`` → "30 minutes", ``timedelta(hours=8)`` → "8 hours"."""
    minutes = int(value.total_seconds() // 60)
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{minutes} minutes"
