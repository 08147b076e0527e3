"""Every figure of the dashboards, computed here from the raw tickets, equals
the one the dashboard reads from its rollups (issue 19)."""

from __future__ import annotations

import importlib
import math
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Organization, User
from reports.figures import Scope, report_figures
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
from reports.rollups import (
    backlog_recount,
    dimension_rollups_recount,
    rollups_process_events,
    rollups_rebuild,
)
from tickets import services
from tickets.models import (
    WORKED_STATUSES,
    Category,
    Channel,
    Message,
    SatisfactionRating,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.workflow import Action

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def paris(settings):
    settings.TIME_ZONE = "Europe/Paris"
    return PARIS


def _shift(ticket: Ticket, *, back: timedelta) -> None:
    """Move a ticket's whole history ``back`` in time, as if it happened then."""
    for model, field in ((Ticket, "pk"), (Message, "ticket_id"), (TicketEvent, "ticket_id")):
        for pk, at in model.objects.filter(**{field: ticket.pk}).values_list("pk", "created_at"):
            model.objects.filter(pk=pk).update(created_at=at - back)
    Ticket.objects.filter(pk=ticket.pk).update(
        solved_at=Ticket.objects.get(pk=ticket.pk).solved_at
        and Ticket.objects.get(pk=ticket.pk).solved_at - back
    )


def _reply(ticket, author, body="On it.", **kw):
    return services.ticket_reply(
        ticket=Ticket.objects.get(pk=ticket.pk), author=author, body=body, **kw
    )


def _solve(ticket, actor):
    return services.ticket_change_status(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=actor, action=Action.SOLVE
    )


@pytest.fixture
def desk(paris, alice, bob, carol, agent, agent2, support_admin, make_ticket, billing):
    """A small desk: a reopened ticket, a reassigned one, one opened half an hour
    after midnight in Paris (the evening before in UTC), a backlog of several
    ages, tickets in two organisations and two categories, and ratings."""
    now = timezone.now()
    # Opened 00:30 Paris time three days ago: the day before in UTC.
    local_midnight = datetime.combine(
        (now.astimezone(PARIS) - timedelta(days=3)).date(), datetime.min.time(), tzinfo=PARIS
    )
    boundary = make_ticket(alice, "Just after midnight")
    Ticket.objects.filter(pk=boundary.pk).update(created_at=local_midnight + timedelta(minutes=30))
    _reply(boundary, agent, "Looking.")
    Message.objects.filter(ticket=boundary).update(created_at=local_midnight + timedelta(hours=2))
    # Reopened: solved, the customer answers, solved again.
    reopened = make_ticket(bob, "Comes back", category=billing)
    services.ticket_assign(ticket=reopened, actor=agent, assignee=agent)
    _reply(reopened, agent, "Fixed.", submit_as=Status.SOLVED)
    _reply(reopened, bob, "Still broken.")
    _solve(reopened, agent)
    _shift(reopened, back=timedelta(days=1, hours=5))
    # Reassigned: Sam answers first, then Robin has it and solves it.
    reassigned = make_ticket(carol, "Handed over")
    services.ticket_assign(ticket=reassigned, actor=agent, assignee=agent)
    _reply(reassigned, agent, "First look.")
    services.ticket_assign(ticket=reassigned, actor=support_admin, assignee=agent2)
    _solve(reassigned, agent2)
    services.ticket_rate(ticket=Ticket.objects.get(pk=reassigned.pk), rater=carol, score="good")
    _shift(reassigned, back=timedelta(days=8))
    # Backlog: an old unanswered one, a recent one with only an internal note,
    # one waiting for the customer.
    old = make_ticket(alice, "Old and forgotten")
    _shift(old, back=timedelta(days=40))
    noted = make_ticket(bob, "Only a note")
    _reply(noted, agent2, "Check the logs.", internal=True)
    services.ticket_assign(ticket=noted, actor=agent2, assignee=agent2)
    waiting = services.ticket_open(
        actor=agent,
        organization=carol.organization,
        requester=carol,
        category=billing,
        subject="On the phone",
        description="Called in.",
    )
    _shift(waiting, back=timedelta(hours=30))
    # Closed without a solve: not solved.
    dropped = make_ticket(alice, "Never mind")
    services.ticket_close(ticket=dropped, actor=alice)
    Organization.objects.filter(pk=carol.organization_id).update(support_tier="enterprise")
    rollups_process_events(lag=timedelta(0))
    return now


def _age_band(age: timedelta) -> str:
    """The backlog's age bands, as a person reads them: under a day old, then
    1-3, 3-7 and 7-30 days, then older."""
    day = timedelta(days=1)
    if age < day:
        return "under_1d"
    if age < 3 * day:
        return "1_3d"
    if age < 7 * day:
        return "3_7d"
    if age < 30 * day:
        return "7_30d"
    return "over_30d"


def _percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def _raw(scope: Scope, now: datetime, zone: ZoneInfo):
    """The figures, from the raw tickets, messages and events."""
    narrowed = {
        "organization_id": scope.organization_id,
        "category_id": scope.category_id,
        "organization__support_tier": scope.tier,
        "assignee_id": scope.agent_id,
    }
    tickets = Ticket.objects.filter(**{k: v for k, v in narrowed.items() if v})
    created, solved = Counter(), Counter()
    first_responses, resolutions = [], []
    by_responder = defaultdict(list)
    per_agent_solved = Counter()
    backlog_status, backlog_age, open_load = Counter(), Counter(), Counter()
    by_org, by_category, by_channel = Counter(), Counter(), Counter()
    for ticket in tickets:
        day = ticket.created_at.astimezone(zone).date()
        in_period = scope.since <= day <= scope.until
        if in_period:
            created[day] += 1
            by_org[ticket.organization_id] += 1
            by_category[ticket.category_id] += 1
            by_channel[ticket.channel] += 1
            first = (
                Message.objects.filter(
                    ticket=ticket, is_internal=False, author__role__in=User.STAFF_ROLES
                )
                .order_by("created_at")
                .first()
            )
            if first is not None:
                seconds = int((first.created_at - ticket.created_at).total_seconds())
                first_responses.append(seconds)
                by_responder[first.author_id].append(seconds)
        if ticket.status in WORKED_STATUSES:
            backlog_status[ticket.status] += 1
            backlog_age[_age_band(now - ticket.created_at)] += 1
            if ticket.assignee_id:
                open_load[ticket.assignee_id] += 1
        if ticket.status == Status.SOLVED:
            solved_day = ticket.solved_at.astimezone(zone).date()
            if scope.since <= solved_day <= scope.until:
                solved[solved_day] += 1
                resolutions.append(int((ticket.solved_at - ticket.created_at).total_seconds()))
                if ticket.assignee_id:
                    per_agent_solved[ticket.assignee_id] += 1
    return {
        "created": created,
        "solved": solved,
        "first_response": (
            len(first_responses),
            _percentile(first_responses, 0.5),
            _percentile(first_responses, 0.9),
        ),
        "resolution": (
            len(resolutions),
            _percentile(resolutions, 0.5),
            _percentile(resolutions, 0.9),
        ),
        "backlog_status": backlog_status,
        "backlog_age": backlog_age,
        "open_load": open_load,
        "per_agent_solved": per_agent_solved,
        "responder_median": {a: _percentile(v, 0.5) for a, v in by_responder.items()},
        "by_org": by_org,
        "by_category": by_category,
        "by_channel": by_channel,
    }


def _assert_equal(figures, raw):
    assert dict(zip(figures.days, figures.created, strict=True)) == {
        d: raw["created"].get(d, 0) for d in figures.days
    }
    assert dict(zip(figures.days, figures.solved, strict=True)) == {
        d: raw["solved"].get(d, 0) for d in figures.days
    }
    ft = figures.first_response
    assert (ft.count, ft.median, ft.p90) == raw["first_response"]
    rt = figures.resolution
    assert (rt.count, rt.median, rt.p90) == raw["resolution"]
    assert {k: v for k, v in figures.backlog_by_status.items() if v} == dict(raw["backlog_status"])
    assert {k: v for k, v in figures.backlog_by_age.items() if v} == dict(raw["backlog_age"])
    assert {c["name"]: c["created"] for c in figures.by_channel} == {
        str(dict(Channel.choices)[k]): v for k, v in raw["by_channel"].items()
    }
    assert {c["name"]: c["created"] for c in figures.by_category if c["created"]} == {
        Category.objects.get(pk=k).name: v for k, v in raw["by_category"].items()
    }
    if figures.by_organization:  # support's figures
        assert {o["name"]: o["created"] for o in figures.by_organization if o["created"]} == {
            Organization.objects.get(pk=k).name: v for k, v in raw["by_org"].items()
        }


def _assert_dimension_sums_match() -> None:
    """The sums per dimension equal the daily rollups summed by each dimension
    (what the dashboard over every organisation reads instead of them)."""
    expected = Counter()
    for row in DailyRollup.objects.all():
        for dimension in DIMENSIONS:
            value = "" if dimension == "day" else str(getattr(row, dimension))
            expected[(row.day, dimension, value, "created")] += row.created
            expected[(row.day, dimension, value, "solved")] += row.solved
    stored = Counter()
    for row in DimensionRollup.objects.all():
        assert (row.created, row.solved) != (0, 0), "an empty row is deleted, not kept"
        stored[(row.day, row.dimension, row.value, "created")] += row.created
        stored[(row.day, row.dimension, row.value, "solved")] += row.solved
    assert all(count >= 0 for count in stored.values()), "a negative count"
    assert {k: v for k, v in stored.items() if v} == {k: v for k, v in expected.items() if v}
    assert stored


def _assert_backlog_sums_match() -> None:
    """The backlog's sums equal the facts of the tickets being worked, counted
    by status and day opened, and by assignee."""
    worked = TicketFact.objects.filter(status__in=WORKED_STATUSES)
    by_day = Counter((f.status, f.created_day) for f in worked)
    by_assignee = Counter(f.assignee_id or NOBODY for f in worked)
    stored_days = {(r.status, r.created_day): r.tickets for r in BacklogByDay.objects.all()}
    stored_assignees = {r.assignee_id: r.tickets for r in BacklogByAssignee.objects.all()}
    assert all(n > 0 for n in [*stored_days.values(), *stored_assignees.values()]), (
        "an emptied row is deleted; no count goes negative"
    )
    assert stored_days == dict(by_day)
    assert stored_assignees == dict(by_assignee)


def test_every_figure_equals_the_raw_tickets_across_a_paris_midnight(desk, paris, agent, agent2):
    today = desk.astimezone(paris).date()
    scope = Scope(since=today - timedelta(days=29), until=today)

    figures = report_figures(scope, now=desk, internal=True)

    raw = _raw(scope, desk, paris)
    _assert_equal(figures, raw)
    agents = {row.agent_id: row for row in figures.agents}
    assert {a: r.solved for a, r in agents.items() if r.solved} == dict(raw["per_agent_solved"])
    assert {a: r.open for a, r in agents.items() if r.open} == dict(raw["open_load"])
    assert {
        a: r.first_response_median for a, r in agents.items() if r.first_response_median is not None
    } == raw["responder_median"]
    # The reassigned ticket's solve counts for Robin, its first response for Sam.
    assert agents[agent2.pk].solved >= 1
    assert agents[agent.pk].first_response_median is not None
    # The midnight ticket is on its Paris day, not its UTC one.
    boundary = Ticket.objects.get(subject="Just after midnight")
    paris_day = boundary.created_at.astimezone(paris).date()
    assert boundary.created_at.astimezone(ZoneInfo("UTC")).date() != paris_day
    assert figures.created[figures.days.index(paris_day)] == raw["created"][paris_day] >= 1


def test_a_reopened_ticket_is_solved_once_on_its_last_solve(desk, paris):
    ticket = Ticket.objects.get(subject="Comes back")
    fact = TicketFact.objects.get(pk=ticket.pk)
    last_solve = (
        TicketEvent.objects.filter(ticket=ticket, kind="status", to_value="solved")
        .order_by("-created_at")
        .first()
    )
    assert TicketEvent.objects.filter(ticket=ticket, kind="status", to_value="solved").count() == 2
    assert fact.solved_at == last_solve.created_at == ticket.solved_at
    assert fact.resolution_seconds == int((ticket.solved_at - ticket.created_at).total_seconds())
    assert (
        sum(
            DailyRollup.objects.filter(organization_id=ticket.organization_id).values_list(
                "solved", flat=True
            )
        )
        == 1
    )


@pytest.mark.parametrize("dimension", ["organization", "category", "agent", "tier"])
def test_filtered_figures_equal_the_raw_tickets(desk, paris, acme, billing, agent2, dimension):
    today = desk.astimezone(paris).date()
    narrowed = {
        "organization": {"organization_id": acme.pk},
        "category": {"category_id": billing.pk},
        "agent": {"agent_id": agent2.pk},
        "tier": {"tier": "enterprise"},
    }[dimension]
    scope = Scope(since=today - timedelta(days=89), until=today, **narrowed)

    figures = report_figures(scope, now=desk, internal=False)

    _assert_equal(figures, _raw(scope, desk, paris))


def test_a_later_event_moves_the_counts_and_a_rebuild_finds_the_same(desk, paris, alice, agent):
    ticket = Ticket.objects.get(subject="Old and forgotten")
    _reply(ticket, agent, "Sorry for the wait.", submit_as=Status.SOLVED)
    rollups_process_events(lag=timedelta(0))
    incremental = sorted(
        DailyRollup.objects.values_list(
            "day", "organization_id", "category_id", "channel", "assignee_id", "created", "solved"
        )
    )
    facts = sorted(TicketFact.objects.values_list())
    _assert_dimension_sums_match()
    _assert_backlog_sums_match()

    rollups_rebuild()

    _assert_dimension_sums_match()
    _assert_backlog_sums_match()

    assert (
        sorted(
            DailyRollup.objects.values_list(
                "day",
                "organization_id",
                "category_id",
                "channel",
                "assignee_id",
                "created",
                "solved",
            )
        )
        == incremental
    )
    assert sorted(TicketFact.objects.values_list()) == facts
    today = desk.astimezone(paris).date()
    scope = Scope(since=today - timedelta(days=89), until=today)
    _assert_equal(
        report_figures(scope, now=timezone.now(), internal=True), _raw(scope, desk, paris)
    )


def test_sums_per_dimension_follow_every_move_and_are_refilled_from_the_rollups(
    desk, paris, agent2, acme
):
    """A reassignment and a reopening move counts between values of a
    dimension and between days; the sums follow, rows that fall to zero go,
    and a recount (what the migration runs) rebuilds them equal."""
    _assert_dimension_sums_match()
    _assert_backlog_sums_match()
    handed = Ticket.objects.get(subject="Comes back")
    services.ticket_assign(ticket=handed, actor=agent2, assignee=agent2)
    _reply(handed, handed.requester, "It broke again.")  # reopens: its solve is undone
    rollups_process_events(lag=timedelta(0))
    _assert_dimension_sums_match()
    _assert_backlog_sums_match()
    today = desk.astimezone(paris).date()
    scope = Scope(since=today - timedelta(days=89), until=today)
    _assert_equal(
        report_figures(scope, now=timezone.now(), internal=True), _raw(scope, desk, paris)
    )

    DimensionRollup.objects.all().delete()
    dimension_rollups_recount(None, None)

    _assert_dimension_sums_match()
    _assert_backlog_sums_match()
    # The migration that brought the sums in fills them alike, from its own code.
    DimensionRollup.objects.all().delete()
    importlib.import_module("reports.migrations.0002_dimension_rollups").fill(django_apps, None)
    _assert_dimension_sums_match()
    # The backlog's sums: recounted by a rebuild, filled by their migration.
    BacklogByDay.objects.all().delete()
    BacklogByAssignee.objects.all().delete()
    backlog_recount()
    _assert_backlog_sums_match()
    BacklogByDay.objects.all().delete()
    BacklogByAssignee.objects.all().delete()
    importlib.import_module("reports.migrations.0003_backlog_sums").fill(django_apps, None)
    _assert_backlog_sums_match()


def test_processing_the_same_events_again_changes_nothing(desk):
    before = sorted(DailyRollup.objects.values_list("day", "organization_id", "created", "solved"))
    RollupWatermark.objects.update(last_event_id=0)

    rollups_process_events(lag=timedelta(0))

    assert (
        sorted(DailyRollup.objects.values_list("day", "organization_id", "created", "solved"))
        == before
    )


def test_events_younger_than_the_lag_wait_for_the_next_run(paris, alice, make_ticket):
    make_ticket(alice, "Just now")

    assert rollups_process_events(lag=timedelta(minutes=5)) == 0
    assert not TicketFact.objects.exists()
    assert rollups_process_events(lag=timedelta(0)) == 1
    assert TicketFact.objects.count() == 1


def test_csat_counts_the_period_s_ratings_per_agent_and_organisation(desk, paris, carol):
    ticket = Ticket.objects.get(subject="Handed over")
    old = Ticket.objects.get(subject="Comes back")
    SatisfactionRating.objects.create(
        ticket=old,
        organization_id=old.organization_id,
        rater=old.requester,
        agent_id=old.assignee_id,
        score="bad",
        created_at=desk - timedelta(days=20),
    )
    today = desk.astimezone(paris).date()

    figures = report_figures(
        Scope(since=today - timedelta(days=6), until=today), now=desk, internal=True
    )

    assert (figures.csat.good, figures.csat.bad) == (1, 0)  # the bad one is older
    assert [r.csat.good for r in figures.agents if r.agent_id == ticket.assignee_id] == [1]
    month = report_figures(
        Scope(since=today - timedelta(days=29), until=today), now=desk, internal=True
    )
    assert (month.csat.good, month.csat.bad, month.csat.percent) == (1, 1, 50.0)


def test_a_period_rebuild_repairs_drift_and_forgets_deleted_tickets(desk, paris):
    today = desk.astimezone(paris).date()
    DailyRollup.objects.filter(day=today).update(created=99)
    DimensionRollup.objects.filter(day=today).update(created=99)
    gone = Ticket.objects.get(subject="Only a note")
    Ticket.objects.filter(pk=gone.pk).delete()

    read = rollups_rebuild(since=today - timedelta(days=2), until=today)

    _assert_dimension_sums_match()
    _assert_backlog_sums_match()

    assert read >= 1
    assert not TicketFact.objects.filter(pk=gone.pk).exists()
    scope = Scope(since=today - timedelta(days=89), until=today)
    _assert_equal(report_figures(scope, now=desk, internal=True), _raw(scope, desk, paris))


def test_the_rebuild_command_names_a_bad_date(desk):
    with pytest.raises(CommandError, match="--since: expected a date like 2026-01-31"):
        call_command("reports_rebuild", "--since", "31/01/2026")
    with pytest.raises(CommandError, match="--since must not be after --until"):
        call_command("reports_rebuild", "--since", "2026-02-02", "--until", "2026-02-01")


def test_the_rebuild_command_recomputes_everything(desk, paris):
    TicketFact.objects.all().delete()
    DailyRollup.objects.all().delete()
    out = StringIO()

    call_command("reports_rebuild", stdout=out)

    assert out.getvalue() == f"Recomputed {Ticket.objects.count()} tickets.\n"
    today = desk.astimezone(paris).date()
    scope = Scope(since=today - timedelta(days=89), until=today)
    _assert_equal(report_figures(scope, now=desk, internal=True), _raw(scope, desk, paris))


# Paris times to measure at: today at three times of day, ten days after
# clocks go forward (2026-03-29) and the night after they go back (2026-10-25),
# so that some band's edge is 23 or 25 hours of a day from its neighbour.
NOWS = [("today", 0.5), ("today", 11), ("today", 23.5), ("2026-04-10", 11), ("2026-10-26", 0.5)]


@pytest.mark.parametrize(("day", "hours_after_midnight"), NOWS)
def test_the_backlog_s_ages_are_exact_beside_every_band_s_edge(
    paris, alice, carol, agent, make_ticket, acme, day, hours_after_midnight
):
    """Tickets a minute either side of 1, 3, 7 and 30 days old, and one well
    inside each band: the dashboard over every organisation (whole days read
    from the sums by day, the edges' days from the facts) counts each in its
    band, as the raw tickets and the facts of one organisation do."""
    today = (
        timezone.now().astimezone(paris).date()
        if day == "today"
        else datetime.fromisoformat(day).date()
    )
    # As production has it: an instant (UTC), ages counted in real hours.
    now = (
        datetime.combine(today, datetime.min.time(), tzinfo=paris)
        + timedelta(hours=hours_after_midnight)
    ).astimezone(UTC)

    def opened(who, subject, age):
        ticket = make_ticket(who, subject)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - age)
        return ticket

    for days in (1, 3, 7, 30):
        for minutes in (-1, 1):
            opened(alice if minutes < 0 else carol, f"{days} d {minutes:+d} min",
                   timedelta(days=days, minutes=minutes))  # fmt: skip
    for days in (2, 5, 15, 45):  # on days no band begins in: read from the sums
        opened(carol, f"{days} days old", timedelta(days=days))
    assigned = opened(carol, "Half a day old", timedelta(hours=12))
    services.ticket_assign(ticket=assigned, actor=agent, assignee=agent)
    rollups_process_events(lag=timedelta(0))
    scope = Scope(since=today - timedelta(days=6), until=today)

    everyone = report_figures(scope, now=now, internal=True)
    acme_only = report_figures(Scope(**{**vars(scope), "organization_id": acme.pk}), now=now,
                               internal=True)  # fmt: skip

    raw = _raw(scope, now, paris)["backlog_age"]
    assert raw == {"under_1d": 2, "1_3d": 3, "3_7d": 3, "7_30d": 3, "over_30d": 2}
    assert {k: v for k, v in everyone.backlog_by_age.items() if v} == raw
    # Acme's four, a minute younger than each edge, by the facts alone.
    assert {k: v for k, v in acme_only.backlog_by_age.items() if v} == {
        "under_1d": 1,
        "1_3d": 1,
        "3_7d": 1,
        "7_30d": 1,
    }
    assert {a.agent_id: a.open for a in everyone.agents if a.open} == {agent.pk: 1}
    _assert_backlog_sums_match()
