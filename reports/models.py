"""The rollups the dashboards read (issue 19): one fact row per ticket and one
count row per day and dimension, kept from ticket events by ``reports.rollups``.

Figures are attributed to a ticket's *current* organisation, tier, category,
channel and assignee: a reassigned ticket counts, for every day, for the agent
who has it now (its solve credits whoever holds it). Days are dates in the desk's
zone (``settings.TIME_ZONE``); after changing the zone, run ``reports_rebuild``.

No foreign keys: a fact outlives a deleted ticket until the next rebuild (the
history it counted happened), and the bench seed writes tickets in SQL.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# The assignee key of an unassigned ticket's rollup rows: a unique key with a
# NULL in it would never conflict on PostgreSQL.
NOBODY = 0


class TicketFact(models.Model):
    """A ticket as the reports see it, recomputed from the raw rows whenever one
    of its events is processed (``reports.rollups.facts_refresh``)."""

    ticket_id = models.BigIntegerField(primary_key=True)
    organization_id = models.BigIntegerField()
    tier = models.CharField(max_length=20)
    category_id = models.BigIntegerField()
    channel = models.CharField(max_length=10)
    assignee_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=24)
    created_at = models.DateTimeField()
    created_day = models.DateField()
    # The first public message by support written after the ticket opened.
    first_response_at = models.DateTimeField(null=True)
    first_response_seconds = models.IntegerField(null=True)
    first_responder_id = models.BigIntegerField(null=True)
    # Set while the ticket is Solved or Closed after a solve: its *last* solve
    # (a reopened ticket's clock runs on until it is solved again); a ticket
    # closed without ever being solved has none.
    solved_at = models.DateTimeField(null=True)
    solved_day = models.DateField(null=True)
    resolution_seconds = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_day", "organization_id"], name="fact_created_day"),
            models.Index(
                fields=["solved_day", "organization_id"],
                condition=Q(solved_day__isnull=False),
                name="fact_solved_day",
            ),
            # The backlog: tickets still being worked.
            models.Index(
                fields=["organization_id", "status", "created_at"],
                condition=Q(status__in=["open", "in_progress", "waiting_for_customer"]),
                name="fact_backlog",
            ),
        ]

    def __str__(self) -> str:
        return f"Fact of #{self.ticket_id}"


class DailyRollup(models.Model):
    """How many tickets were opened and solved on ``day``, for one combination of
    organisation, category, channel and assignee: the sum of the facts."""

    day = models.DateField()
    organization_id = models.BigIntegerField()
    tier = models.CharField(max_length=20)
    category_id = models.BigIntegerField()
    channel = models.CharField(max_length=10)
    assignee_id = models.BigIntegerField(default=NOBODY)  # NOBODY: unassigned
    created = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "organization_id", "tier", "category_id", "channel", "assignee_id"],
                name="daily_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["organization_id", "day"], name="rollup_org_day")]

    def __str__(self) -> str:
        return f"{self.day} org {self.organization_id}: +{self.created} / {self.solved} solved"


# What ``DimensionRollup`` sums by: the day's total ("day") and each column of
# ``DailyRollup`` that a dashboard breaks its counts down by.
DIMENSIONS = ("day", "category_id", "channel", "organization_id", "tier", "assignee_id")


class DimensionRollup(models.Model):
    """``DailyRollup`` summed over every other dimension, one dimension at a
    time: how many tickets were opened and solved on ``day`` for one value of
    ``dimension`` (its id or code as text; "" for the "day" total). The support
    dashboard over every organisation reads these, six times fewer rows than
    the combinations at a million tickets; kept in the same transactions."""

    day = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=20, blank=True)
    created = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="dimension_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: +{self.created} / {self.solved} solved"


class BacklogByDay(models.Model):
    """How many tickets opened on ``created_day`` are being worked now, in
    ``status``, over every organisation: the backlog's charts without reading
    each open ticket (``reports.figures``). Kept from the facts, in the same
    transactions as the rollups."""

    status = models.CharField(max_length=24)
    created_day = models.DateField()
    tickets = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status", "created_day"], name="backlog_day_key")
        ]

    def __str__(self) -> str:
        return f"{self.tickets} {self.status} opened {self.created_day}"


class BacklogByAssignee(models.Model):
    """How many tickets each agent has being worked now (``NOBODY``: nobody),
    over every organisation: the per-agent table's open load."""

    assignee_id = models.BigIntegerField(unique=True)
    tickets = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.tickets} open for {self.assignee_id}"


class RollupWatermark(models.Model):
    """The last ticket event the rollups took in. One row; whoever processes
    events holds its row lock (``select_for_update``) for the whole batch."""

    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Rollups up to event {self.last_event_id}"
