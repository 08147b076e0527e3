"""Service-level attainment on the dashboards (issue 19): the share of targets
met per kind, equal to a count made from the raw clocks; a customer admin sees
their organisation's only; no SLA, no table."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from reports.figures import Scope, report_figures
from reports.rollups import day_start, local_day, rollups_process_events
from tests.tickets.sla_helpers import age, around_the_clock, due_when_answered
from tickets import services
from tickets.models import Priority, SlaClock

DASHBOARD = "/agent/reports/"
ORG_REPORT = "/organisation/reports/"


@pytest.fixture
def clocks(alice, carol, agent, agent2, make_ticket, billing):
    """Acme (enterprise: an urgent ticket owes a first reply within 30 minutes)
    has one first reply made late and one on time; Globex (standard: a normal
    ticket owes one within 8 hours) one forgotten past its due time and one
    fresh ticket not due yet."""
    around_the_clock()
    late = age(make_ticket(alice, "Late", priority=Priority.URGENT), timedelta(minutes=40))
    services.ticket_take(ticket=late, agent=agent)
    services.ticket_reply(ticket=late, author=agent, body="Sorry for the wait.")
    quick = age(
        make_ticket(alice, "Quick", priority=Priority.URGENT, category=billing),
        timedelta(minutes=10),
    )
    services.ticket_take(ticket=quick, agent=agent2)
    services.ticket_reply(ticket=quick, author=agent2, body="On it.")
    due_when_answered(quick)
    age(make_ticket(carol, "Forgotten"), timedelta(hours=9))
    make_ticket(carol, "Fresh")
    # The dashboards narrow targets by category and agent through the facts,
    # as the job keeps them.
    rollups_process_events(lag=timedelta(0))


def raw_counts(scope: Scope, now: datetime) -> dict[str, tuple[int, int]]:
    """(met, decided) per kind, read clock by clock: a target counts in the
    period its due time falls in, once met, answered late or overdue."""
    start, end = day_start(scope.since), day_start(scope.until + timedelta(days=1))
    met: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    for clock in SlaClock.objects.select_related("ticket", "organization"):
        if scope.organization_id is not None and clock.organization_id != scope.organization_id:
            continue
        if scope.tier and clock.organization.support_tier != scope.tier:
            continue
        if scope.category_id is not None and clock.ticket.category_id != scope.category_id:
            continue
        if scope.agent_id is not None and clock.ticket.assignee_id != scope.agent_id:
            continue
        if clock.due_at is None or not start <= clock.due_at < end:
            continue
        if clock.met_at is None and clock.due_at > now:
            continue  # still running before its due time: not decided
        decided[clock.kind] += 1
        met[clock.kind] += clock.met_at is not None and clock.met_at <= clock.due_at
    return {kind: (met[kind], decided[kind]) for kind in decided}


def shown(figures) -> dict[str, tuple[int, int]]:
    return {row.kind: (row.met, row.total) for row in figures.sla}


def test_attainment_equals_a_count_of_the_raw_clocks(clocks, acme, agent, billing):
    now = timezone.now()
    today = local_day(now)
    everything = Scope(since=today - timedelta(days=29), until=today)

    figures = report_figures(everything, now=now, internal=True)

    # One met, one answered late, one overdue; the fresh ticket is not decided.
    assert shown(figures)["first_response"] == (1, 3)
    assert [row.percent for row in figures.sla if row.kind == "first_response"] == [33.3]
    for scope in (
        everything,
        Scope(since=everything.since, until=today, organization_id=acme.pk),
        Scope(since=everything.since, until=today, tier="standard"),
        Scope(since=everything.since, until=today, category_id=billing.pk),
        Scope(since=everything.since, until=today, agent_id=agent.pk),
    ):
        assert shown(report_figures(scope, now=now, internal=True)) == raw_counts(scope, now)
    assert shown(
        report_figures(
            Scope(since=everything.since, until=today, agent_id=agent.pk), now=now, internal=True
        )
    ) == {"first_response": (0, 1)}


def test_a_period_before_the_targets_fell_due_counts_none(clocks):
    long_ago = local_day(timezone.now()) - timedelta(days=60)

    figures = report_figures(
        Scope(since=long_ago - timedelta(days=6), until=long_ago), now=timezone.now(), internal=True
    )

    assert figures.sla == []


def sla_table(html: str) -> dict[str, list[str]]:
    table = re.search(r'<table class="report-table" data-table="sla">(.*?)</table>', html, re.S)
    assert table, "no service-level table"
    return {
        kind: re.findall(r"<td>([^<]*)</td>", row)
        for kind, row in re.findall(r'<tr data-kind="(\w+)">(.*?)</tr>', table.group(1), re.S)
    }


def test_support_sees_attainment_on_the_dashboard(login, support_admin, clocks):
    response = login(support_admin).get(DASHBOARD)

    html = response.content.decode()
    assert sla_table(html)["first_response"] == ["1", "3", "33.3%"]
    assert "sla" in {chart["id"] for chart in response.context["charts"]}


def test_a_customer_admin_sees_only_their_organisations_attainment(login, alice, carol, clocks):
    acme_html = login(alice).get(ORG_REPORT).content.decode()
    assert sla_table(acme_html) == {"first_response": ["1", "2", "50.0%"]}

    globex_html = login(carol).get(ORG_REPORT).content.decode()
    assert sla_table(globex_html) == {"first_response": ["0", "1", "0.0%"]}
    assert "Sam Support" not in globex_html  # per kind only: no agent names


def test_no_targets_in_scope_no_table(login, support_admin, alice, clocks):
    SlaClock.objects.all().delete()

    response = login(support_admin).get(DASHBOARD)

    html = response.content.decode()
    assert 'data-table="sla"' not in html
    assert "sla" not in {chart["id"] for chart in response.context["charts"]}
    assert 'data-table="sla"' not in login(alice).get(ORG_REPORT).content.decode()
