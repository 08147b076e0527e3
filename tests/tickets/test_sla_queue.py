"""Due times in the agent queue and the API (issue 17): the Due column, the
sort by due, the "Breaching soon" view and its count, the SLA-state filter,
and what customers may and may not see of it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.tickets.sla_helpers import age, around_the_clock
from tickets import services
from tickets.models import Priority

pytestmark = pytest.mark.django_db


def queue_url(view="active"):
    return reverse("agent:queue", kwargs={"view": view})


def numbers(response) -> list[int]:
    return [ticket.pk for ticket in response.context["tickets"]]


@pytest.fixture
def due(alice, carol, agent, make_ticket):
    """Acme is enterprise (first reply: urgent 30 min, high 1 h, normal 4 h)."""
    around_the_clock()
    tickets = {
        "overdue": age(make_ticket(alice, "Down", priority=Priority.URGENT), timedelta(minutes=40)),
        "soon": age(make_ticket(alice, "Slow", priority=Priority.HIGH), timedelta(minutes=20.5)),
        "later": make_ticket(alice, "Question"),
        "solved": make_ticket(carol, "Done"),
    }
    services.ticket_reply(ticket=tickets["solved"], author=agent, body="Fixed", submit_as="solved")
    return tickets


def test_breaching_soon_lists_overdue_and_due_within_the_hour_most_urgent_first(login, agent, due):
    response = login(agent).get(queue_url("breaching"))

    assert numbers(response) == [due["overdue"].pk, due["soon"].pk]
    counts = {key: count for key, _label, count in response.context["views"]}
    assert counts["breaching"] == 2
    html = response.content.decode()
    assert re.search(r'class="due due-breached"[^>]*>overdue 10 min<', html)
    assert re.search(r'class="due due-at_risk"[^>]*>in 39 min<', html)


def test_sorting_by_due_puts_the_nearest_first_and_tickets_owing_nothing_last(login, agent, due):
    listed = numbers(login(agent).get(queue_url("active"), {"sort": "due"}))

    assert listed == [due["overdue"].pk, due["soon"].pk, due["later"].pk, due["solved"].pk]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("breached", ["overdue"]),
        ("at_risk", ["soon"]),
        ("on_track", ["later"]),
        ("none", ["solved"]),
    ],
)
def test_the_queue_filters_by_sla_state(login, agent, due, state, expected):
    listed = numbers(login(agent).get(queue_url("active"), {"sla": state}))

    assert listed == [due[name].pk for name in expected]


def test_breaching_soon_runs_a_fixed_number_of_queries(
    login, agent, alice, make_ticket, django_assert_max_num_queries, settings
):
    settings.HELPDESK_PAGE_SIZE = 100
    around_the_clock()
    client = login(agent)
    age(make_ticket(alice, priority=Priority.URGENT), timedelta(minutes=5))
    with django_assert_max_num_queries(11):
        few = client.get(queue_url("breaching"))
    for _ in range(30):
        age(make_ticket(alice, priority=Priority.URGENT), timedelta(minutes=5))
    with django_assert_max_num_queries(11):
        many = client.get(queue_url("breaching"))

    assert len(numbers(few)) == 1
    assert len(numbers(many)) == 31


def test_the_api_gives_support_the_due_times_state_and_order(api, agent, due):
    body = api(agent).get("/api/v1/tickets/", {"ordering": "sla_due"}).json()

    rows = {row["number"]: row for row in body["results"]}
    assert list(rows) == [due["overdue"].pk, due["soon"].pk, due["later"].pk]  # none without
    assert [row["sla_state"] for row in rows.values()] == ["breached", "at_risk", "on_track"]
    assert rows[due["later"].pk]["resolution_due"] is not None
    assert body["count"] == 3
    breached = api(agent).get("/api/v1/tickets/", {"sla_state": "breached"}).json()
    assert [row["number"] for row in breached["results"]] == [due["overdue"].pk]


def test_customers_see_the_reply_promise_but_not_the_escalation(api, alice, carol, due):
    client = api(alice)
    row = client.get(f"/api/v1/tickets/{due['later'].pk}/").json()
    assert row["first_response_due"] is not None
    assert (row["resolution_due"], row["sla_state"]) == (None, None)

    refused = client.get("/api/v1/tickets/", {"sla_state": "breached"})
    assert refused.status_code == 400
    assert "sla_state" in refused.json()

    # Their own organisation's only, ordered by due; Carol's list has nothing due.
    listed = [
        r["number"] for r in client.get("/api/v1/tickets/?ordering=sla_due").json()["results"]
    ]
    assert listed == [due["overdue"].pk, due["soon"].pk, due["later"].pk]
    assert api(carol).get("/api/v1/tickets/?ordering=sla_due").json()["results"] == []
    assert api(carol).get(f"/api/v1/tickets/{due['later'].pk}/").status_code == 404


def test_the_customer_page_says_when_support_aims_to_reply(login, alice, due):
    html = login(alice).get(due["later"].get_absolute_url()).content.decode()

    assert "We aim to reply by" in html
    assert "Service level" not in html  # the agent's panel
    overdue = login(alice).get(due["overdue"].get_absolute_url()).content.decode()
    assert "We aim to reply by" not in overdue  # no promise in the past


def test_the_agent_page_shows_each_target_and_what_became_of_it(login, agent, alice, due):
    client = login(agent)
    ticket = due["soon"]
    services.ticket_reply(ticket=ticket, author=agent, body="Looking now.")

    html = client.get(ticket.get_absolute_url()).content.decode()

    panel = re.search(r'<section class="card" aria-label="Service level".*?</section>', html, re.S)[
        0
    ]
    assert re.search(r'data-sla-target="met"><span>First response</span>', panel)
    assert re.search(r'data-sla-target="on_track"><span>Resolution</span>', panel)


def test_breaching_soon_stops_counting_at_the_cap(login, agent, due, settings):
    settings.HELPDESK_LIST_COUNT_CAP = 1

    response = login(agent).get(queue_url("breaching"))

    counts = {key: count for key, _label, count in response.context["views"]}
    assert counts["breaching"] == "1+"
    assert numbers(response)[0] == due["overdue"].pk
    assert 'data-view-count="breaching">1+<' in response.content.decode()
