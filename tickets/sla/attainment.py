"""How many targets were met: the share per policy, tier, agent, organisation
or kind of target, over a period (for the API now and the reports later).

A target counts in the period its due time falls in, once it is decided: met
(answered by its due time), or missed (answered late, or still running past
its due time). Targets still running before their due time, and paused
resolutions, are not decided yet and do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from tickets.models import SlaClock

# What a caller may group by, and the field that names each group.
GROUPS = {
    "kind": "kind",
    "policy": "policy__name",
    "tier": "organization__support_tier",
    "organization": "organization__alias",
    "agent": "ticket__assignee__full_name",
}
# Customers see their own organisation's figures, never support's internals.
CUSTOMER_GROUPS = ("kind",)


@dataclass(frozen=True)
class Attainment:
    group: str | None
    kind: str
    total: int
    met: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


def attainment(
    clocks: QuerySet[SlaClock], *, since: datetime, until: datetime, by: str, now: datetime
) -> list[Attainment]:
    """Targets of ``clocks`` (from the tenant door) due in [since, until), met
    and in all, per group of ``by`` and kind of target. One query."""
    field = GROUPS[by]
    decided = clocks.filter(due_at__gte=since, due_at__lt=until).filter(
        Q(met_at__isnull=False) | Q(due_at__lte=now)
    )
    rows = (
        decided.values(group=F(field), target=F("kind"))
        .annotate(
            total=Count("id"),
            met=Count("id", filter=Q(met_at__isnull=False, met_at__lte=F("due_at"))),
        )
        .order_by("group", "target")
    )
    return [
        Attainment(
            group=None if row["group"] is None else str(row["group"]),
            kind=row["target"],
            total=row["total"],
            met=row["met"],
        )
        for row in rows
    ]
