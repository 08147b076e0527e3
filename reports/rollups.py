"""Keeping the reports' rollups (``reports.models``) from the raw tickets.

A periodic job (``reports.tasks.rollups_refresh_task``, beat every minute)
reads the ticket events written since its watermark, recomputes the fact of
every ticket they touch from the raw rows, and moves the daily counts by the
difference between the old fact and the new. Recomputing from raw rows (never
adding "one more" per event) makes a batch idempotent: processing a ticket
twice changes nothing the second time.

Whoever writes facts or rollups holds the watermark row's lock for the whole
transaction: the job claims it with ``SKIP LOCKED`` (a second worker finds it
taken and does nothing), the rebuild waits for it. So two workers never count
one event twice, and the watermark moves in the transaction of the counts.

Event ids are handed out when a row is inserted, not when its transaction
commits, so an event may commit after one with a higher id. The job stops
before events younger than ``lag``: a transaction open longer than that could
be passed over (its ticket is refreshed again by its next event, and
``reports_rebuild`` repairs any period).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, Exists, Max, Model, OuterRef, Sum
from django.utils import timezone

from accounts.models import User
from reports.models import (
    DIMENSIONS,
    NOBODY,
    BacklogByAssignee,
    BacklogByDay,
    DailyRollup,
    DimensionRollup,
    RollupWatermark,
    TicketFact,
)
from tickets.models import WORKED_STATUSES, Message, Status, Ticket, TicketEvent

BATCH = 2000
LAG = timedelta(seconds=30)
WATERMARK = 1  # the primary key of the one watermark row


class RollupKey(NamedTuple):
    day: date
    organization_id: int
    tier: str
    category_id: int
    channel: str
    assignee_id: int


def local_day(moment: datetime) -> date:
    """The date of ``moment`` in the desk's zone (``settings.TIME_ZONE``)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def day_start(day: date) -> datetime:
    """The instant ``day`` begins in the desk's zone."""
    return datetime.combine(day, time(0), tzinfo=timezone.get_default_timezone())


def _claim(*, wait: bool) -> RollupWatermark | None:
    """Lock the watermark row; None when another worker holds it (``wait`` off).
    Needs a transaction."""
    rows = RollupWatermark.objects.select_for_update(skip_locked=not wait)
    row = rows.filter(pk=WATERMARK).first()
    if row is None and not RollupWatermark.objects.filter(pk=WATERMARK).exists():
        RollupWatermark.objects.get_or_create(pk=WATERMARK)
        row = rows.filter(pk=WATERMARK).first()
    return row


def compute_facts(ticket_ids: Iterable[int]) -> dict[int, TicketFact]:
    """The facts of the tickets that still exist among ``ticket_ids``, from the
    raw rows, in three queries."""
    ids = sorted(set(ticket_ids))
    tickets = Ticket.objects.filter(pk__in=ids).values_list(
        "pk",
        "organization_id",
        "organization__support_tier",
        "category_id",
        "channel",
        "assignee_id",
        "status",
        "created_at",
        "solved_at",
    )
    facts: dict[int, TicketFact] = {}
    for pk, org, tier, category, channel, assignee, status, created_at, solved_at in tickets:
        facts[pk] = TicketFact(
            ticket_id=pk,
            organization_id=org,
            tier=tier,
            category_id=category,
            channel=channel,
            assignee_id=assignee,
            status=status,
            created_at=created_at,
            created_day=local_day(created_at),
            # Replaced below by the last solve of the status history; kept for
            # tickets whose history has no status events (imported in SQL).
            solved_at=solved_at,
        )
    responses = (
        Message.objects.filter(
            ticket_id__in=ids, is_internal=False, author__role__in=User.STAFF_ROLES
        )
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "created_at", "author_id")
    )
    for ticket_id, at, author in responses:
        fact = facts.get(ticket_id)
        if fact is None or fact.first_response_at is not None or at < fact.created_at:
            continue  # a message merged in from an older ticket is no response
        fact.first_response_at = at
        fact.first_response_seconds = int((at - fact.created_at).total_seconds())
        fact.first_responder_id = author
    # A reopened ticket is solved when it is solved again: its last solve
    # counts, and a move back to work forgets the earlier one.
    last_solve: dict[int, datetime | None] = {}
    statuses = (
        TicketEvent.objects.filter(ticket_id__in=ids, kind=TicketEvent.Kind.STATUS)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "to_value", "created_at")
    )
    for ticket_id, to_value, at in statuses:
        if to_value == Status.SOLVED:
            last_solve[ticket_id] = at
        elif to_value in WORKED_STATUSES:
            last_solve[ticket_id] = None
    for fact in facts.values():
        if fact.status in WORKED_STATUSES:
            fact.solved_at = None
        elif fact.ticket_id in last_solve:
            fact.solved_at = last_solve[fact.ticket_id]
        if fact.solved_at is not None:
            fact.solved_day = local_day(fact.solved_at)
            fact.resolution_seconds = int((fact.solved_at - fact.created_at).total_seconds())
    return facts


def _contributions(fact: TicketFact) -> list[tuple[RollupKey, int, int]]:
    """What ``fact`` adds to the daily rollups: (key, created, solved)."""
    dims = (
        fact.organization_id,
        fact.tier,
        fact.category_id,
        fact.channel,
        fact.assignee_id or NOBODY,
    )
    out = [(RollupKey(fact.created_day, *dims), 1, 0)]
    if fact.solved_day is not None:
        out.append((RollupKey(fact.solved_day, *dims), 0, 1))
    return out


FACT_FIELDS = [f.name for f in TicketFact._meta.concrete_fields if not f.primary_key]


def facts_refresh(*, ticket_ids: Iterable[int]) -> int:
    """Recompute the facts of ``ticket_ids`` and move the daily rollups by the
    difference; a ticket that no longer exists loses its fact and its counts.
    Returns how many facts changed. The caller holds the watermark lock."""
    ids = sorted(set(ticket_ids))
    old = TicketFact.objects.in_bulk(ids)
    new = compute_facts(ids)
    deltas: dict[RollupKey, list[int]] = defaultdict(lambda: [0, 0])
    backlog = Backlog()
    changed: list[TicketFact] = []
    for ticket_id in ids:
        before, after = old.get(ticket_id), new.get(ticket_id)
        if before is not None and after is not None and _same(before, after):
            continue
        if before is not None:
            for key, created, solved in _contributions(before):
                deltas[key][0] -= created
                deltas[key][1] -= solved
            backlog.count(before, -1)
        if after is not None:
            for key, created, solved in _contributions(after):
                deltas[key][0] += created
                deltas[key][1] += solved
            backlog.count(after, +1)
            changed.append(after)
    gone = [pk for pk in old if pk not in new]
    if gone:
        TicketFact.objects.filter(pk__in=gone).delete()
    if changed:
        TicketFact.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=["ticket_id"], update_fields=FACT_FIELDS
        )
    _apply(deltas)
    backlog.apply()
    return len(changed) + len(gone)


class Backlog:
    """How a batch of facts moves the backlog's sums (``BacklogByDay``,
    ``BacklogByAssignee``): a ticket counts while it is being worked."""

    def __init__(self) -> None:
        self.by_day: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0])
        self.by_assignee: dict[tuple[int], list[int]] = defaultdict(lambda: [0])

    def count(self, fact: TicketFact, sign: int) -> None:
        if fact.status in WORKED_STATUSES:
            self.by_day[(fact.status, fact.created_day)][0] += sign
            self.by_assignee[(fact.assignee_id or NOBODY,)][0] += sign

    def apply(self) -> None:
        by_day = {key: n for key, n in self.by_day.items() if n != [0]}
        by_assignee = {key: n for key, n in self.by_assignee.items() if n != [0]}
        if by_day:
            _move(
                BacklogByDay,
                ("status", "created_day"),
                by_day,
                counts=("tickets",),
                status__in={status for status, _ in by_day},
                created_day__in={day for _, day in by_day},
            )
        if by_assignee:
            _move(
                BacklogByAssignee,
                ("assignee_id",),
                by_assignee,
                counts=("tickets",),
                assignee_id__in={assignee for (assignee,) in by_assignee},
            )


def _same(before: TicketFact, after: TicketFact) -> bool:
    return all(getattr(before, name) == getattr(after, name) for name in FACT_FIELDS)


def _apply(deltas: dict[RollupKey, list[int]]) -> None:
    """Move the daily rollups, and their sums per dimension, by ``deltas``."""
    moves = {key: counts for key, counts in deltas.items() if counts != [0, 0]}
    if not moves:
        return
    _move(
        DailyRollup,
        RollupKey._fields,
        moves,
        day__in={key.day for key in moves},
        organization_id__in={key.organization_id for key in moves},
    )
    per_dimension: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, (more_created, more_solved) in moves.items():
        for dimension in DIMENSIONS:
            slot = per_dimension[(key.day, dimension, _dimension_value(key, dimension))]
            slot[0] += more_created
            slot[1] += more_solved
    _move(
        DimensionRollup,
        ("day", "dimension", "value"),
        {key: counts for key, counts in per_dimension.items() if counts != [0, 0]},
        day__in={day for day, _, _ in per_dimension},
        dimension__in={dimension for _, dimension, _ in per_dimension},
    )


def _dimension_value(key: RollupKey, dimension: str) -> str:
    return "" if dimension == "day" else str(getattr(key, dimension))


def _move(
    model: type[Model],
    fields: tuple[str, ...],
    moves: dict,
    *,
    counts: tuple[str, ...] = ("created", "solved"),
    **narrow,
) -> None:
    """Add each of ``moves`` ({key: [one number per count]}, the key's values
    in the order of ``fields``) to ``model``'s row of that key: created when
    missing, deleted when every count falls to zero. ``narrow`` limits the
    rows read."""
    existing: dict[tuple, Any] = {
        tuple(getattr(row, name) for name in fields): row
        for row in model._default_manager.filter(**narrow)
    }
    updated: list[Any] = []
    created: list[Model] = []
    emptied: list[Any] = []
    for key, more in moves.items():
        row = existing.get(tuple(key))
        if row is None:
            values = dict(zip(fields, key, strict=True))
            created.append(model(**values, **dict(zip(counts, more, strict=True))))
            continue
        for name, n in zip(counts, more, strict=True):
            setattr(row, name, getattr(row, name) + n)
        (emptied if not any(getattr(row, name) for name in counts) else updated).append(row)
    if emptied:
        model._default_manager.filter(pk__in=[row.pk for row in emptied]).delete()
    model._default_manager.bulk_update(updated, list(counts), batch_size=BATCH)
    model._default_manager.bulk_create(created, batch_size=BATCH)


def rollups_process_events(
    *, batch: int = BATCH, lag: timedelta = LAG, now: datetime | None = None
) -> int:
    """Take in the next ``batch`` events after the watermark (those older than
    ``lag``); returns how many, 0 when another worker holds the watermark."""
    now = now or timezone.now()
    with transaction.atomic():
        watermark = _claim(wait=False)
        if watermark is None:
            return 0
        events = TicketEvent.objects.filter(pk__gt=watermark.last_event_id).order_by("pk")
        taken: list[tuple[int, int]] = []
        for pk, ticket_id, created_at in events.values_list("pk", "ticket_id", "created_at")[
            :batch
        ]:
            if created_at > now - lag:
                break
            taken.append((pk, ticket_id))
        if not taken:
            return 0
        facts_refresh(ticket_ids={ticket_id for _, ticket_id in taken})
        watermark.last_event_id = taken[-1][0]
        watermark.updated_at = now
        watermark.save(update_fields=["last_event_id", "updated_at"])
    return len(taken)


def rollups_rebuild(*, since: date | None = None, until: date | None = None) -> int:
    """Recompute from the raw rows the facts of the tickets opened from ``since``
    to ``until`` (both included; every ticket when neither is given), then every
    daily rollup of those days from the facts. Returns how many tickets it read.

    Each batch of tickets is its own short transaction under the watermark lock
    (the job runs between them), so a rebuild of a million tickets never holds
    the ticket tables for minutes; every commit leaves facts and rollups equal.
    A full rebuild then moves the watermark to the last event it saw first."""
    full = since is None and until is None
    mark = TicketEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    tickets = Ticket.objects.order_by("pk")
    facts = TicketFact.objects.all()
    if since is not None:
        tickets = tickets.filter(created_at__gte=day_start(since))
        facts = facts.filter(created_day__gte=since)
    if until is not None:
        tickets = tickets.filter(created_at__lt=day_start(until + timedelta(days=1)))
        facts = facts.filter(created_day__lte=until)
    # Facts of tickets deleted since: refreshing them takes their counts away.
    gone = list(
        facts.filter(~Exists(Ticket.objects.filter(pk=OuterRef("pk")))).values_list("pk", flat=True)
    )
    for start in range(0, len(gone), BATCH):
        _refresh_locked(gone[start : start + BATCH])
    count, last = 0, 0
    while batch := list(tickets.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH]):
        _refresh_locked(batch)
        count, last = count + len(batch), batch[-1]
    with transaction.atomic():
        watermark = _claim(wait=True)
        assert watermark is not None  # waiting never skips
        _recount(since, until)
        if full and mark > watermark.last_event_id:
            watermark.last_event_id = mark
            watermark.updated_at = timezone.now()
            watermark.save(update_fields=["last_event_id", "updated_at"])
    return count


def _refresh_locked(ticket_ids: list[int]) -> None:
    with transaction.atomic():
        _claim(wait=True)
        facts_refresh(ticket_ids=ticket_ids)


def _recount(since: date | None, until: date | None) -> None:
    """Replace the rollups of the days from ``since`` to ``until`` by the sums of
    the facts (a repair: ``facts_refresh`` keeps them equal otherwise)."""
    rollups = DailyRollup.objects.all()
    if since is not None:
        rollups = rollups.filter(day__gte=since)
    if until is not None:
        rollups = rollups.filter(day__lte=until)
    rollups.delete()
    counts: dict[RollupKey, list[int]] = defaultdict(lambda: [0, 0])
    dims = ("organization_id", "tier", "category_id", "channel", "assignee_id")
    for day_field, slot in (("created_day", 0), ("solved_day", 1)):
        facts = TicketFact.objects.filter(**{f"{day_field}__isnull": False})
        if since is not None:
            facts = facts.filter(**{f"{day_field}__gte": since})
        if until is not None:
            facts = facts.filter(**{f"{day_field}__lte": until})
        for row in facts.values_list(day_field, *dims).annotate(n=Count("pk")).order_by():
            day, org, tier, category, channel, assignee, n = row
            key = RollupKey(day, org, tier, category, channel, assignee or NOBODY)
            counts[key][slot] += n
    DailyRollup.objects.bulk_create(
        [DailyRollup(**key._asdict(), created=c, solved=s) for key, (c, s) in counts.items()],
        batch_size=BATCH,
    )
    dimension_rollups_recount(since, until)
    backlog_recount()


def backlog_recount() -> None:
    """Replace the backlog's sums by those of the facts (a repair; the caller
    holds the lock). The backlog is what is being worked now, whatever the
    day, so every row is recounted: tens of thousands of facts at most."""
    worked = TicketFact.objects.filter(status__in=WORKED_STATUSES).order_by()
    BacklogByDay.objects.all().delete()
    BacklogByDay.objects.bulk_create(
        [
            BacklogByDay(status=status, created_day=day, tickets=n)
            for status, day, n in worked.values_list("status", "created_day").annotate(
                n=Count("pk")
            )
        ],
        batch_size=BATCH,
    )
    by_assignee: dict[int, int] = defaultdict(int)
    for assignee, n in worked.values_list("assignee_id").annotate(n=Count("pk")):
        by_assignee[assignee or NOBODY] += n
    BacklogByAssignee.objects.all().delete()
    BacklogByAssignee.objects.bulk_create(
        [BacklogByAssignee(assignee_id=a, tickets=n) for a, n in by_assignee.items()]
    )


def dimension_rollups_recount(since: date | None, until: date | None) -> None:
    """Replace the sums per dimension of the days from ``since`` to ``until``
    by those of the daily rollups (a repair; the caller holds the lock)."""
    rows = DailyRollup.objects.all()
    old = DimensionRollup.objects.all()
    if since is not None:
        rows, old = rows.filter(day__gte=since), old.filter(day__gte=since)
    if until is not None:
        rows, old = rows.filter(day__lte=until), old.filter(day__lte=until)
    old.delete()
    sums = []
    for dimension in DIMENSIONS:
        grouped = ("day",) if dimension == "day" else ("day", dimension)
        for row in rows.values(*grouped).annotate(c=Sum("created"), s=Sum("solved")).order_by():
            if row["c"] == row["s"] == 0:
                continue
            value = "" if dimension == "day" else str(row[dimension])
            counts = {"created": row["c"], "solved": row["s"]}
            sums.append(DimensionRollup(day=row["day"], dimension=dimension, value=value, **counts))
    DimensionRollup.objects.bulk_create(sums, batch_size=BATCH)
