"""Many workers at once on PostgreSQL: the watermark's row lock lets one take
a batch in; the others skip it, and nothing is counted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum

from reports.models import (
    DIMENSIONS,
    BacklogByAssignee,
    BacklogByDay,
    DailyRollup,
    DimensionRollup,
    RollupWatermark,
    TicketFact,
)
from reports.rollups import rollups_process_events, rollups_rebuild
from tests.concurrency import run_together
from tickets import services
from tickets.models import WORKED_STATUSES, Ticket, TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_desk(alice, agent, make_ticket):
    for n in range(30):
        ticket = make_ticket(alice, f"Ticket {n}")
        if n % 3 == 0:
            services.ticket_reply(
                ticket=Ticket.objects.get(pk=ticket.pk),
                author=agent,
                body="Done.",
                submit_as="solved",
            )


def _totals():
    daily = DailyRollup.objects.aggregate(created=Sum("created"), solved=Sum("solved"))
    # The sums per dimension moved in the same transactions: each adds up the same.
    for dimension in DIMENSIONS:
        assert (
            DimensionRollup.objects.filter(dimension=dimension).aggregate(
                created=Sum("created"), solved=Sum("solved")
            )
            == daily
        ), dimension
    # So did the backlog's sums: each counts every ticket being worked once.
    worked = Ticket.objects.filter(status__in=WORKED_STATUSES).count()
    assert BacklogByDay.objects.aggregate(n=Sum("tickets"))["n"] == worked
    assert BacklogByAssignee.objects.aggregate(n=Sum("tickets"))["n"] == worked
    return daily


def test_twenty_workers_at_once_count_every_ticket_once(busy_desk):
    results = run_together(
        *[lambda: rollups_process_events(batch=7, lag=timedelta(0)) for _ in range(20)]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    while rollups_process_events(batch=7, lag=timedelta(0)):
        pass

    assert sum(results) <= TicketEvent.objects.count()
    assert TicketFact.objects.count() == 30
    assert _totals() == {"created": 30, "solved": 10}
    assert RollupWatermark.objects.get().last_event_id == TicketEvent.objects.latest("pk").pk


def test_a_rebuild_racing_the_job_ends_equal_to_the_raw_tickets(busy_desk):
    jobs = [lambda: rollups_process_events(batch=5, lag=timedelta(0)) for _ in range(10)]
    results = run_together(rollups_rebuild, *jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    while rollups_process_events(batch=50, lag=timedelta(0)):
        pass

    assert _totals() == {"created": 30, "solved": 10}
    assert TicketFact.objects.count() == 30
