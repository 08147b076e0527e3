"""What each priority means: seed 000's Ticket Prioritization Matrix.

A ticket's priority follows from two questions a customer can answer: how
much is affected (impact) and how badly work is held up (urgency). Support
triages every new ticket against the same matrix and may change its priority.

Service level agreements do not exist yet. ``response_target`` is the one
place that will answer "how soon does support first answer a ticket of this
priority for this organisation"; until SLAs exist it answers None, and pages
show no targets. When it answers, the matrix on the create form and on Get
support shows a target beside each priority without further change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from accounts.models import Organization
from tickets.models import Priority


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

    @property
    def name(self) -> str:
        return self.priority.label.lower()

    @property
    def target_text(self) -> str:
        return duration_text(self.response_target) if self.response_target else ""


@dataclass(frozen=True)
class MatrixRow:
    impact: Level
    cells: tuple[Priority, ...]


def response_target(priority: int, *, organization: Organization | None) -> timedelta | None:
    """How soon support first answers a ticket of ``priority`` for ``organization``.

    The hook for SLAs, which do not exist yet: None means "no promised target".
    """
    return None


def priority_guide(organization: Organization | None) -> list[PriorityRow]:
    """Each priority, most urgent first, with its meaning and (once SLAs exist) its target."""
    return [
        PriorityRow(
            priority=priority,
            meaning=MEANINGS[priority],
            response_target=response_target(priority, organization=organization),
        )
        for priority in sorted(Priority, reverse=True)
    ]


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
