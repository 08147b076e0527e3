"""The benchmark's seed (bench/seed.py) writes a desk a benchmark can trust:
active tickets spread over organisations, and service-level clocks that agree
with the tickets' due times, so the Breaching soon page, the alert sweep and
attainment measure real rows rather than empty ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bench.seed import seed
from tickets.markdown import markdown_html
from tickets.models import Message, SlaClock, Status, Ticket
from tickets.sla.alerts import sla_alerts_due
from tickets.sla.attainment import attainment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_seed_writes_clocks_that_match_the_tickets_due_times():
    result = seed(organizations=12, tickets=3000, agents=4, customers_per_org=3)
    assert result["tickets"] == 3000
    active = Ticket.objects.filter(status__in=[Status.OPEN, Status.IN_PROGRESS])
    assert active.exists()
    assert Ticket.objects.filter(status=Status.CLOSED).count() > active.count()

    # Every Open or In progress ticket owes its resolution, due as its clock says.
    running = {
        (c.ticket_id, c.kind): c.due_at
        for c in SlaClock.objects.filter(met_at__isnull=True, due_at__isnull=False)
    }
    for ticket in active:
        assert running[(ticket.pk, SlaClock.Kind.RESOLUTION)] == ticket.resolution_due
        owed = [d for d in (ticket.first_response_due, ticket.resolution_due) if d]
        assert ticket.sla_due == min(owed)
    # A ticket waiting for the customer has its resolution paused, and owes none.
    waiting = Ticket.objects.filter(status=Status.WAITING).first()
    assert waiting is not None
    assert waiting.resolution_due is None
    assert SlaClock.objects.get(ticket=waiting, kind=SlaClock.Kind.RESOLUTION).due_at is None
    # Solved and closed tickets have every clock stopped.
    done = SlaClock.objects.filter(ticket__status__in=[Status.SOLVED, Status.CLOSED])
    assert done.exists()
    assert not done.filter(met_at__isnull=True).exists()
    assert not Ticket.objects.filter(
        status__in=[Status.SOLVED, Status.CLOSED], sla_due__isnull=False
    ).exists()

    # The seeded past is already told of: a benchmark's first beat sends nothing.
    assert sla_alerts_due(now=timezone.now()) == (0, 0)

    # Attainment has decided targets both met and missed to count.
    now = timezone.now()
    figures = attainment(
        SlaClock.objects.all(), since=now - timedelta(days=365 * 3), until=now, by="kind", now=now
    )
    assert {f.kind for f in figures} == {"first_response", "resolution"}
    for figure in figures:
        assert 0 < figure.met < figure.total


def test_the_seed_stores_the_html_the_product_would_render():
    """The seed writes messages and descriptions in SQL; the HTML it stores
    beside them is what tickets.markdown renders, so the ticket page shows
    (and a benchmark measures) the same as for a message written by a person."""
    seed(organizations=3, tickets=200, agents=2, customers_per_org=2)
    messages = list(Message.objects.order_by("?")[:200])
    assert messages
    for message in messages:
        assert message.body_html == markdown_html(message.body)
    for ticket in Ticket.objects.order_by("?")[:50]:
        assert ticket.description_html == markdown_html(ticket.description)
