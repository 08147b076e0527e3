"""Fair assignment under load on PostgreSQL (issue 18): twenty tickets opened at the
same instant spread evenly over the available agents and never pass the cap,
because each opening takes its turn on the available agents' rows."""

from __future__ import annotations

from collections import Counter

import pytest

from accounts.models import User
from tests.concurrency import run_together
from tickets.counters import counts_by_state
from tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def four_agents(agent, agent2, support_admin):
    extra = User.objects.create_user(
        "dana@support.example", "x", full_name="Dana Desk", role=User.Role.AGENT
    )
    agents = [agent, agent2, support_admin, extra]
    User.objects.filter(pk__in=[a.pk for a in agents]).update(is_available=True)
    return agents


def open_twenty(alice, bob, make_ticket) -> list:
    return run_together(
        *(lambda i=i: make_ticket(alice if i % 2 else bob, f"At once {i}") for i in range(20))
    )


@pytest.mark.parametrize("mode", ["round_robin", "least_active"])
def test_twenty_tickets_at_once_spread_evenly(mode, settings, alice, bob, make_ticket, four_agents):
    settings.HELPDESK_AUTO_ASSIGN = mode

    results = open_twenty(alice, bob, make_ticket)

    assert all(isinstance(r, Ticket) for r in results), results
    loads = Counter(Ticket.objects.values_list("assignee_id", flat=True))
    assert loads == {a.pk: 5 for a in four_agents}
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED, actor=None).count() == 20


def test_twenty_tickets_at_once_never_pass_the_cap(settings, alice, bob, make_ticket, four_agents):
    settings.HELPDESK_AUTO_ASSIGN = "least_active"
    settings.HELPDESK_AUTO_ASSIGN_CAP = 4

    results = open_twenty(alice, bob, make_ticket)

    assert all(isinstance(r, Ticket) for r in results), results
    loads = Counter(Ticket.objects.values_list("assignee_id", flat=True))
    assert loads == {**{a.pk: 4 for a in four_agents}, None: 4}
    for (status, assigned), count in counts_by_state().items():
        real = Ticket.objects.filter(status=status, assignee__isnull=not assigned).count()
        assert count == real, (status, assigned)
