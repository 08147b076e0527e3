"""The dashboards' figures, read from the rollups in a fixed number of queries
whatever the period (``reports.models``).

Which tickets each figure counts:
- created / solved per day: tickets opened that day; tickets whose last solve
  fell that day (a reopened ticket counts when it is solved again);
- first response (median, 90th percentile): tickets opened in the period that
  have had a public support message; per agent, by who wrote it;
- resolution: tickets solved in the period, from opening to their last solve;
- backlog (by status and by age), open load: tickets being worked now;
- solved and open load per agent: by the ticket's current assignee;
- service levels: the targets falling due in the period once decided (met,
  answered late, or still running past their due time), per kind of target
  (``tickets.sla.attainment``), narrowed by the ticket's current category and
  assignee and the organisation's current tier.
Percentiles are nearest-rank (the smallest value at or above that share of
the values, as PostgreSQL's ``percentile_disc``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.utils import translation
from django.utils.translation import get_language

from accounts.models import Organization, User
from reports.models import (
    NOBODY,
    BacklogByAssignee,
    BacklogByDay,
    DailyRollup,
    DimensionRollup,
    RollupWatermark,
    TicketFact,
)
from tickets.models import (
    WORKED_STATUSES,
    Category,
    Channel,
    SatisfactionRating,
    SlaClock,
    Status,
)
from tickets.selectors import SatisfactionSummary, satisfaction_percent
from tickets.sla.attainment import Attainment, attainment

# The backlog's age bands: (label key, at least, less than) in days.
AGE_BANDS = (
    ("under_1d", 0, 1),
    ("1_3d", 1, 3),
    ("3_7d", 3, 7),
    ("7_30d", 7, 30),
    ("over_30d", 30, None),
)
logger = logging.getLogger(__name__)
TOP = 15  # rows of the per-organisation and per-category tables


@dataclass(frozen=True)
class Scope:
    """Whose tickets a report covers: the filters, with what the viewer's role
    forces (a customer's organisation, an agent's own tickets)."""

    since: date
    until: date  # included
    organization_id: int | None = None
    tier: str | None = None
    category_id: int | None = None
    agent_id: int | None = None


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile of ``values`` (sorted or not); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass
class Timing:
    count: int = 0
    median: int | None = None
    p90: int | None = None

    @classmethod
    def of(cls, values: list[int]) -> Timing:
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9))


@dataclass
class AgentRow:
    agent_id: int
    name: str = ""
    solved: int = 0
    open: int = 0
    first_response_median: int | None = None
    csat: SatisfactionSummary | None = None


@dataclass
class Figures:
    scope: Scope
    days: list[date]
    created: list[int]
    solved: list[int]
    backlog_by_status: dict[str, int]
    backlog_by_age: dict[str, int]
    first_response: Timing
    resolution: Timing
    by_organization: list[dict[str, Any]]
    by_tier: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    csat: SatisfactionSummary
    # Per kind of target; empty when no target fell due in scope (no SLA).
    sla: list[Attainment] = field(default_factory=list)
    agents: list[AgentRow] = field(default_factory=list)

    @property
    def created_total(self) -> int:
        return sum(self.created)

    @property
    def solved_total(self) -> int:
        return sum(self.solved)

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog_by_status.values())


def _narrowed(rows: QuerySet, scope: Scope) -> QuerySet:
    """``rows`` (rollups or facts: both carry the same dimensions) narrowed by
    the scope's organisation, tier, category and agent."""
    if scope.organization_id is not None:
        rows = rows.filter(organization_id=scope.organization_id)
    if scope.tier:
        rows = rows.filter(tier=scope.tier)
    if scope.category_id is not None:
        rows = rows.filter(category_id=scope.category_id)
    if scope.agent_id is not None:
        rows = rows.filter(assignee_id=scope.agent_id)
    return rows.order_by()


def _rollups(scope: Scope) -> QuerySet[DailyRollup]:
    return _narrowed(DailyRollup.objects.filter(day__gte=scope.since, day__lte=scope.until), scope)


def _facts(scope: Scope) -> QuerySet[TicketFact]:
    return _narrowed(TicketFact.objects.all(), scope)


def _ratings(scope: Scope) -> QuerySet[SatisfactionRating]:
    from reports.rollups import day_start

    ratings = SatisfactionRating.objects.filter(
        created_at__gte=day_start(scope.since),
        created_at__lt=day_start(scope.until + timedelta(days=1)),
    )
    return _narrowed_by_ticket(ratings, scope, agent="agent_id")


def _sla_clocks(scope: Scope) -> QuerySet[SlaClock]:
    """The service-level targets of the scope's tickets: narrowed by the
    organisation and tier as they carry them, and by category and assignee
    through the facts (the ticket's current ones, as every other figure reads
    them). At a million tickets, looking a month's 135,000 targets up in the
    facts' narrow rows took 70 ms where the tickets' took 220-560 ms."""
    clocks = SlaClock.objects.order_by()
    if scope.organization_id is not None:
        clocks = clocks.filter(organization_id=scope.organization_id)
    if scope.tier:
        clocks = clocks.filter(organization__support_tier=scope.tier)
    facts = TicketFact.objects.order_by()
    if scope.category_id is not None:
        facts = facts.filter(category_id=scope.category_id)
    if scope.agent_id is not None:
        facts = facts.filter(assignee_id=scope.agent_id)
    if scope.category_id is not None or scope.agent_id is not None:
        clocks = clocks.filter(ticket_id__in=facts.values("ticket_id"))
    return clocks


def _narrowed_by_ticket(rows: QuerySet, scope: Scope, *, agent: str) -> QuerySet:
    """``rows`` of a raw table that carries the organisation and points at its
    ticket (ratings: a few per ticket solved), narrowed as ``_narrowed`` narrows the
    rollups: the tier through the organisation, the category through the
    ticket, the agent by ``agent``."""
    if scope.organization_id is not None:
        rows = rows.filter(organization_id=scope.organization_id)
    if scope.tier:
        rows = rows.filter(organization__support_tier=scope.tier)
    if scope.category_id is not None:
        rows = rows.filter(ticket__category_id=scope.category_id)
    if scope.agent_id is not None:
        rows = rows.filter(**{agent: scope.agent_id})
    return rows.order_by()


def _sums(rows: QuerySet[DailyRollup], dimensions: tuple[str, ...]) -> dict[str, list[SumRow]]:
    """For each of ``dimensions`` (rollup columns): (value, created, solved) per
    value, most created first; in one query that reads the period's rows once.

    PostgreSQL groups by every dimension in one pass (``GROUPING SETS``: six
    queries of 47 ms each at a million tickets became one); elsewhere the
    groupings are joined by ``UNION ALL``. The period and the filters are
    the queryset's own ``WHERE``, compiled by Django.
    """
    query = rows.query
    compiler = query.get_compiler(using=rows.db)
    where, params = compiler.compile(query.where) if query.where else ("1 = 1", ())
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    # The dimensions are rollup fields named as their columns (no relations).
    columns = [connection.ops.quote_name(dimension) for dimension in dimensions]
    if connection.vendor == "postgresql":
        flags = f"GROUPING({', '.join(columns)})"
        sets = ", ".join(f"({column})" for column in columns)
        sql = (
            f"SELECT {flags}, {', '.join(columns)}, SUM(created), SUM(solved) "  # noqa: S608 - our own names; values are parameters
            f"FROM {table} WHERE {where} GROUP BY GROUPING SETS ({sets})"
        )
        arguments = list(params)
    else:
        # Each branch names its dimension by the same bit GROUPING() would set.
        branches = []
        for index, column in enumerate(columns):
            bit = ((1 << len(columns)) - 1) ^ (1 << (len(columns) - 1 - index))
            picked = ", ".join(c if other == index else "NULL" for other, c in enumerate(columns))
            branches.append(
                f"SELECT {bit}, {picked}, SUM(created), SUM(solved) "  # noqa: S608 - as above
                f"FROM {table} WHERE {where} GROUP BY {column}"
            )
        sql = " UNION ALL ".join(branches)
        arguments = list(params) * len(columns)
    found: dict[str, list[SumRow]] = {dimension: [] for dimension in dimensions}
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        for flags_value, *values, created, solved in cursor.fetchall():
            for index, dimension in enumerate(dimensions):
                if not flags_value & (1 << (len(dimensions) - 1 - index)):
                    found[dimension].append((values[index], created or 0, solved or 0))
    if "day" in found and connection.vendor != "postgresql":
        found["day"] = [(_as_date(day), c, n) for day, c, n in found["day"]]
    for sums in found.values():
        sums.sort(key=lambda row: (-row[1], -row[2], row[0]))
    return found


SumRow = tuple[Any, int, int]
# The dimensions whose values are ids (stored as text in DimensionRollup).
ID_DIMENSIONS = ("category_id", "organization_id", "assignee_id")


def _narrowing(scope: Scope) -> bool:
    """Whether ``scope`` narrows the tickets by anything but the period."""
    return any(
        value not in (None, "")
        for value in (scope.organization_id, scope.tier, scope.category_id, scope.agent_id)
    )


def _dimension_sums(scope: Scope, dimensions: tuple[str, ...]) -> dict[str, list[SumRow]]:
    """``_sums`` over every organisation, read from the sums per dimension
    (``DimensionRollup``): the same figures from six times fewer rows at a
    million tickets. One query: per dimension and value, and per day for the
    day's totals."""
    rows = (
        DimensionRollup.objects.filter(
            day__gte=scope.since, day__lte=scope.until, dimension__in=dimensions
        )
        .values(
            "dimension",
            "value",
            bucket=Case(
                When(dimension="day", then=F("day")), default=None, output_field=DateField()
            ),
        )
        .annotate(c=Sum("created"), s=Sum("solved"))
        .order_by()
    )
    found: dict[str, list[SumRow]] = {dimension: [] for dimension in dimensions}
    for row in rows:
        dimension, value = row["dimension"], row["value"]
        if dimension == "day":
            key: Any = _as_date(row["bucket"])
        elif dimension in ID_DIMENSIONS:
            key = int(value)
        else:
            key = value
        found[dimension].append((key, row["c"] or 0, row["s"] or 0))
    for sums in found.values():
        sums.sort(key=lambda row: (-row[1], -row[2], row[0]))
    return found


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def report_figures_cached(scope: Scope, *, now: datetime, internal: bool) -> Figures:
    """``report_figures``, kept in the shared cache for ``REPORTS_CACHE_SECONDS``
    (60) under the scope, the viewer's kind, the language (labels are
    translated) and the rollups' watermark: when the periodic job takes in new
    events the key changes, so a dashboard is never older than the rollups
    it reads by more than that. Ratings, service levels and the backlog's
    ages may lag as long. At a million tickets the figures cost 150-200 ms of
    SQL; a dashboard opened again, or by a colleague with the same filters,
    costs one query, and the one support opens first is computed ahead by the
    job (``figures_warm``: kept until the job's next run has replaced it, so
    as old as a run's interval, or twice that should a run be late). 0 turns
    the cache off."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if seconds <= 0:
        return report_figures(scope, now=now, internal=internal)
    try:
        key = _cache_key(scope, internal=internal)
        figures = cache.get(key)
    except Exception:
        # The shared cache down (Redis stopped) costs the saving, never the page.
        logger.warning("reports cache unavailable", exc_info=True)
        return report_figures(scope, now=now, internal=internal)
    if figures is None:
        figures = report_figures(scope, now=now, internal=internal)
        with contextlib.suppress(Exception):
            cache.set(key, figures, seconds)
    return figures


def _cache_key(scope: Scope, *, internal: bool) -> str:
    """Where ``scope``'s figures are kept: the scope names every filter, the
    organisation a customer is held to and the agent an agent is, so two
    viewers share figures only if they may see them; with the watermark and
    the active language."""
    from reports.rollups import WATERMARK

    watermark = (
        RollupWatermark.objects.filter(pk=WATERMARK).values_list("last_event_id", flat=True).first()
    )
    return (
        "reports:figures:"
        + hashlib.sha256(repr((scope, internal, watermark, get_language())).encode()).hexdigest()
    )


def figures_warm(scopes: list[Scope], *, now: datetime, internal: bool, keep: int) -> int:
    """Compute ``scopes``' figures in every language and keep them ``keep``
    seconds, so that the first viewer after new events finds them ready (the
    rollups' job calls this each run for support's default dashboard). Only
    with a shared cache: a per-process one (the embedded default's) is not the
    web's. Returns how many it kept."""
    backend = str(settings.CACHES["default"]["BACKEND"])
    if settings.REPORTS_CACHE_SECONDS <= 0 or backend.endswith(("LocMemCache", "DummyCache")):
        return 0
    kept = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for scope in scopes:
                cache.set(
                    _cache_key(scope, internal=internal),
                    report_figures(scope, now=now, internal=internal),
                    keep,
                )
                kept += 1
    return kept


def report_figures(scope: Scope, *, now: datetime, internal: bool) -> Figures:
    """Every figure of a dashboard for ``scope``. ``internal`` adds what only
    support sees: per agent, per organisation and tier. The queries are the same
    in number whatever the period."""
    rows = _rollups(scope)
    facts = _facts(scope)
    days = [scope.since + timedelta(days=n) for n in range((scope.until - scope.since).days + 1)]
    dimensions: tuple[str, ...] = ("day", "category_id", "channel")
    if internal:
        dimensions += ("organization_id", "tier", "assignee_id")
    sums = _sums(rows, dimensions) if _narrowing(scope) else _dimension_sums(scope, dimensions)
    per_day = {d: (c, s) for d, c, s in sums["day"]}

    backlog_status, backlog_age, open_load = (
        _backlog(facts, now) if _narrowing(scope) else _backlog_from_sums(now)
    )
    answered = facts.filter(
        created_day__gte=scope.since,
        created_day__lte=scope.until,
        first_response_seconds__isnull=False,
    )
    solved = facts.filter(
        solved_day__gte=scope.since, solved_day__lte=scope.until, resolution_seconds__isnull=False
    )
    first_response, responder_medians = _first_responses(answered, by_responder=internal)
    by_category = sums["category_id"][:TOP]
    by_channel = sums["channel"]
    categories = Category.objects.in_bulk([c for c, _, _ in by_category])
    channel_names = dict(Channel.choices)
    figures = Figures(
        scope=scope,
        days=days,
        created=[per_day.get(d, (0, 0))[0] for d in days],
        solved=[per_day.get(d, (0, 0))[1] for d in days],
        backlog_by_status=backlog_status,
        backlog_by_age=backlog_age,
        first_response=first_response,
        resolution=_timing(solved, "resolution_seconds"),
        by_organization=[],
        by_tier=[],
        by_category=[
            {"name": str(categories[c]) if c in categories else "?", "created": n, "solved": s}
            for c, n, s in by_category
        ],
        by_channel=[
            {"name": str(channel_names.get(c, c)), "created": n, "solved": s}
            for c, n, s in by_channel
        ],
        csat=satisfaction_percent(_ratings(scope)),
        sla=_sla(scope, now),
    )
    if internal:
        _add_internal(figures, sums, scope, responder_medians, open_load)
    return figures


Backlog = tuple[dict[str, int], dict[str, int], dict[int, int]]


def _backlog(facts: QuerySet[TicketFact], now: datetime) -> Backlog:
    """The tickets of ``facts`` being worked now: per status, per age band and
    per assignee (open load); one query that reads each of them."""
    backlog_status: dict[str, int] = {str(s): 0 for s in WORKED_STATUSES}
    backlog_age: dict[str, int] = {key: 0 for key, _, _ in AGE_BANDS}
    open_load: dict[int, int] = defaultdict(int)
    rows = (
        facts.filter(status__in=WORKED_STATUSES)
        .values_list("status", "assignee_id")
        .annotate(**_age_counts(now))
    )
    for status, assignee, *bands in rows:
        backlog_status[status] += sum(bands)
        for (key, _, _), n in zip(AGE_BANDS, bands, strict=True):
            backlog_age[key] += n
        if assignee is not None:
            open_load[assignee] += sum(bands)
    return backlog_status, backlog_age, open_load


def _backlog_from_sums(now: datetime) -> Backlog:
    """``_backlog`` over every organisation, read from the backlog's sums
    (``BacklogByDay``, ``BacklogByAssignee``: a few hundred rows where the
    facts are tens of thousands of open tickets at a million). A day holds
    tickets of one age band, except the days a band begins in (one day, three,
    seven and thirty ago): their tickets are read from the facts, by the
    minute. Three queries, not one snapshot: should the job commit between
    them, a status total and an age total may differ by the tickets it moved
    until the next look (the figures are that close to live anyway)."""
    from reports.rollups import day_start, local_day

    backlog_status: dict[str, int] = {str(s): 0 for s in WORKED_STATUSES}
    backlog_age: dict[str, int] = {key: 0 for key, _, _ in AGE_BANDS}
    edges = {local_day(now - timedelta(days=low)) for _, low, _ in AGE_BANDS if low}
    for status, day, n in BacklogByDay.objects.values_list("status", "created_day", "tickets"):
        if status not in backlog_status:
            continue
        backlog_status[status] += n
        if day not in edges:  # the whole day is in one band: its start's
            backlog_age[_band_of(now - day_start(_as_date(day)))] += n
    split = (
        TicketFact.objects.filter(status__in=WORKED_STATUSES, created_day__in=edges)
        .order_by()
        .aggregate(**_age_counts(now))
    )
    for key, n in split.items():
        backlog_age[key] += n or 0
    open_load = {
        assignee: n
        for assignee, n in BacklogByAssignee.objects.values_list("assignee_id", "tickets")
        if assignee != NOBODY
    }
    return backlog_status, backlog_age, open_load


def _age_counts(now: datetime) -> dict[str, Count]:
    return {key: Count("pk", filter=_age_band(now, low, high)) for key, low, high in AGE_BANDS}


def _band_of(age: timedelta) -> str:
    """The age band of a ticket opened ``age`` ago (as ``_age_band`` selects)."""
    for key, low, high in AGE_BANDS:
        if age >= timedelta(days=low) and (high is None or age < timedelta(days=high)):
            return key
    return AGE_BANDS[0][0]  # opened in the future (a clock set back): the youngest


def _sla(scope: Scope, now: datetime) -> list[Attainment]:
    """Service-level attainment per kind of target over the scope's days; one query."""
    from reports.rollups import day_start

    return attainment(
        _sla_clocks(scope),
        since=day_start(scope.since),
        until=day_start(scope.until + timedelta(days=1)),
        by="kind",
        now=now,
    )


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile: the smallest value at or above
    ``share`` of the ordered values."""

    function = "percentile_disc"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = IntegerField()

    def __init__(self, expression: str, share: float, **extra: Any) -> None:
        super().__init__(expression, share=float(share), **extra)


def _timing(facts: QuerySet[TicketFact], column: str) -> Timing:
    """Count, median and 90th percentile of ``column`` over ``facts``, in one
    query: PostgreSQL computes them; elsewhere the values are read and ranked."""
    if connection.vendor == "postgresql":
        found = facts.aggregate(
            count=Count("pk"),
            median=PercentileDisc(column, 0.5),
            p90=PercentileDisc(column, 0.9),
        )
        return Timing(found["count"], found["median"], found["p90"])
    return Timing.of([v for v in facts.values_list(column, flat=True) if v is not None])


def _first_responses(answered: QuerySet[TicketFact], *, by_responder: bool) -> FirstResponses:
    """Count, median and 90th percentile of the first responses in ``answered``,
    and (``by_responder``) each responder's median: one query that reads the
    period's facts once (PostgreSQL: ``GROUPING SETS ((), (responder))``;
    elsewhere the values are read and ranked here)."""
    if connection.vendor != "postgresql":
        pairs = [
            (responder, seconds)
            for responder, seconds in answered.values_list(
                "first_responder_id", "first_response_seconds"
            )
            if seconds is not None
        ]
        by: dict[int, list[int]] = defaultdict(list)
        for responder, seconds in pairs:
            if responder is not None:
                by[responder].append(seconds)
        medians = {r: percentile(v, 0.5) or 0 for r, v in by.items()} if by_responder else {}
        return Timing.of([seconds for _, seconds in pairs]), medians
    query = answered.query
    where, params = query.get_compiler(using=answered.db).compile(query.where)
    column = '"first_response_seconds"'
    # Without per-responder medians, the grand total alone (flagged as GROUPING would).
    grouped = (
        ('GROUPING("first_responder_id"), "first_responder_id"', '(), ("first_responder_id")')
        if by_responder
        else ("1, NULL", "()")
    )
    sql = (
        f"SELECT {grouped[0]}, COUNT(*), "  # noqa: S608 - our own names; values are parameters
        f"percentile_disc(0.5) WITHIN GROUP (ORDER BY {column}), "
        f"percentile_disc(0.9) WITHIN GROUP (ORDER BY {column}) "
        f'FROM "{TicketFact._meta.db_table}" WHERE {where} '
        f"GROUP BY GROUPING SETS ({grouped[1]})"
    )
    timing, medians = Timing(), {}
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        for overall, who, count, median, p90 in cursor.fetchall():
            if overall:  # the grand total: every responder's tickets
                timing = Timing(count, median, p90)
            elif who is not None:
                medians[who] = median
    return timing, medians


FirstResponses = tuple[Timing, dict[int, int]]


def _age_band(now: datetime, low: int, high: int | None) -> Q:
    band = Q(created_at__lte=now - timedelta(days=low)) if low else Q()
    if high is not None:
        band &= Q(created_at__gt=now - timedelta(days=high))
    return band


def _add_internal(
    figures: Figures,
    sums: dict[str, list[SumRow]],
    scope: Scope,
    responder_medians: dict[int, int],
    open_load: dict[int, int],
) -> None:
    """Per agent, organisation and tier: support's figures only."""
    by_org = sums["organization_id"][:TOP]
    orgs = Organization.objects.in_bulk([o for o, _, _ in by_org])
    Score = SatisfactionRating.Score
    scores = {
        "good": Count("pk", filter=Q(score=Score.GOOD)),
        "bad": Count("pk", filter=Q(score=Score.BAD)),
    }
    org_csat = {
        o: SatisfactionSummary(good=g, bad=b)
        for o, g, b in _ratings(scope)
        .filter(organization_id__in=list(orgs))
        .values_list("organization_id")
        .annotate(**scores)
    }
    figures.by_organization = [
        {
            "name": orgs[o].name if o in orgs else "?",
            "created": n,
            "solved": s,
            "csat": org_csat.get(o),
        }
        for o, n, s in by_org
    ]
    tiers = dict(Organization.Tier.choices)
    figures.by_tier = [
        {"name": str(tiers.get(t, t)), "created": n, "solved": s} for t, n, s in sums["tier"]
    ]
    csat_rows = _ratings(scope).values_list("agent_id").annotate(**scores)
    csat = {a: SatisfactionSummary(good=g, bad=b) for a, g, b in csat_rows if a is not None}
    agents: dict[int, AgentRow] = {}

    def row(agent_id: int) -> AgentRow:
        return agents.setdefault(agent_id, AgentRow(agent_id=agent_id))

    for assignee, _, solved in sums["assignee_id"]:
        if assignee != NOBODY:
            row(assignee).solved = solved
    for assignee, n in open_load.items():
        row(assignee).open = n
    for responder, median in responder_medians.items():
        row(responder).first_response_median = median
    for agent_id, summary in csat.items():
        row(agent_id).csat = summary
    if scope.agent_id is not None:
        agents = {k: v for k, v in agents.items() if k == scope.agent_id}
    names = dict(User.objects.filter(pk__in=list(agents)).values_list("pk", "full_name"))
    for agent_id, agent_row in agents.items():
        agent_row.name = names.get(agent_id) or f"#{agent_id}"
    figures.agents = sorted(agents.values(), key=lambda r: (-r.solved, -r.open, r.name))


__all__ = [
    "AGE_BANDS",
    "Figures",
    "Scope",
    "Status",
    "Timing",
    "figures_warm",
    "percentile",
    "report_figures",
]
