"""Service-level attainment through the API (issue 17): the share of targets
met per kind, tier, agent or policy over a period; customers see only their
organisation's, by kind only."""

from datetime import timedelta

import pytest

from tests.tickets.sla_helpers import age, around_the_clock, due_when_answered
from tickets import services
from tickets.models import Priority

pytestmark = pytest.mark.django_db

URL = "/api/v1/sla/attainment/"


@pytest.fixture
def history(alice, carol, agent, agent2, make_ticket):
    around_the_clock()
    # Acme is enterprise: urgent owes a first reply within 30 minutes.
    late = age(make_ticket(alice, "Late", priority=Priority.URGENT), timedelta(minutes=40))
    services.ticket_take(ticket=late, agent=agent)
    services.ticket_reply(ticket=late, author=agent, body="Sorry for the wait.")
    quick = age(make_ticket(alice, "Quick", priority=Priority.URGENT), timedelta(minutes=10))
    services.ticket_take(ticket=quick, agent=agent2)
    services.ticket_reply(ticket=quick, author=agent2, body="On it.")
    due_when_answered(quick)
    # Globex is standard: a normal ticket owes its first reply within 8 hours.
    age(make_ticket(carol, "Forgotten"), timedelta(hours=9))
    make_ticket(carol, "Fresh")  # not due yet: not decided, not counted


def first_responses(body):
    return {
        row["group"]: (row["met"], row["total"], row["percent"])
        for row in body["results"]
        if row["kind"] == "first_response"
    }


def test_support_sees_the_share_met_by_kind_tier_and_agent(api, agent, history):
    client = api(agent)

    by_kind = client.get(URL).json()
    assert first_responses(by_kind) == {"first_response": (1, 3, 33.3)}
    assert first_responses(client.get(URL, {"by": "tier"}).json()) == {
        "enterprise": (1, 2, 50.0),
        "standard": (0, 1, 0.0),
    }
    assert first_responses(client.get(URL, {"by": "agent"}).json()) == {
        "Sam Support": (0, 1, 0.0),
        "Robin Responder": (1, 1, 100.0),
        None: (0, 1, 0.0),
    }
    assert set(first_responses(client.get(URL, {"by": "policy"}).json())) == {
        "Enterprise",
        "Standard",
    }


def test_a_customer_sees_their_organisations_figures_only(api, alice, carol, history):
    assert first_responses(api(alice).get(URL).json()) == {"first_response": (1, 2, 50.0)}
    assert first_responses(api(carol).get(URL).json()) == {"first_response": (0, 1, 0.0)}

    refused = api(alice).get(URL, {"by": "agent"})
    assert refused.status_code == 400
    assert "by" in refused.json()


def test_a_period_without_targets_is_empty_and_a_backwards_period_is_refused(api, agent, history):
    client = api(agent)
    assert client.get(URL, {"since": "2020-01-01", "until": "2020-01-31"}).json()["results"] == []

    refused = client.get(URL, {"since": "2026-02-01", "until": "2026-01-01"})
    assert refused.status_code == 400
    assert "since" in refused.json()
