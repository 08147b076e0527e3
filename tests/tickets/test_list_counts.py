"""How long lists count: the kept counters when they can tell, a bounded count when filtered."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.urls import reverse

from tests.helpers import bring_to
from tickets.counters import counters_rebuild
from tickets.models import Status, Ticket


@pytest.fixture
def spread(alice, carol, agent, make_ticket):
    """Tickets of two organisations in every status."""
    made = []
    for customer, status in itertools.product((alice, carol), Status.values):
        for _ in range(2 if customer == alice else 1):
            ticket = make_ticket(customer, subject=f"Spread {status}")
            made.append(bring_to(ticket, status, agent=agent, customer=customer))
    return made


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "open,closed"},
        {"archived": "true"},
        {"archived": "false", "status": "open,solved"},
        {"organization": "ACME"},
        {"organization": "acme", "archived": "false"},
        {"organization": "NOSUCH"},
    ],
)
def test_the_api_count_from_the_counters_is_the_real_count(
    query, api, agent, spread, django_assert_max_num_queries
):
    client = api(agent)
    every = client.get("/api/v1/tickets/", {**query, "page_size": 100}).json()

    assert every["count"] == len(every["results"])  # what the rows are, not an estimate
    with django_assert_max_num_queries(12) as captured:
        client.get("/api/v1/tickets/", query)
    counted = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counted if '"tickets_ticket"' in sql.split("FROM")[1]]


def test_a_customers_api_count_is_their_organisations_only(api, alice, spread):
    answer = api(alice).get("/api/v1/tickets/", {"page_size": 100}).json()

    assert (
        answer["count"]
        == len(answer["results"])
        == Ticket.objects.filter(organization=alice.organization).count()
    )


def test_a_broad_search_counts_no_further_than_the_cap(
    login, api, agent, alice, make_ticket, settings
):
    settings.HELPDESK_LIST_COUNT_CAP = 3
    settings.HELPDESK_PAGE_SIZE = 2
    for word in ("alpha", "bravo", "charlie", "delta", "echo"):
        make_ticket(alice, subject=f"Printer jam {word}")

    page = login(agent).get(reverse("agent:queue", kwargs={"view": "active"}), {"q": "printer"})
    answer = api(agent).get("/api/v1/tickets/", {"search": "printer", "page_size": 2}).json()
    narrow = api(agent).get("/api/v1/tickets/", {"search": "printer echo"}).json()

    assert "3+ tickets" in page.content.decode()
    assert answer["count"] == 3
    assert len(answer["results"]) == 2
    assert narrow["count"] == 1  # below the cap the count is exact


@pytest.mark.postgres
def test_the_api_list_walks_an_index_at_a_hundred_thousand_tickets(api, agent, alice, make_ticket):
    template = make_ticket(alice, subject="Template")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_ticket (organization_id, subject, description, category_id,
                priority, status, requester_id, internal_reference, channel, product, resource,
                created_at, updated_at, search_document, notes_document)
            SELECT organization_id, 'Bulk ' || g, '', category_id, 2,
                   (ARRAY['open','closed','closed','closed','solved'])[1 + g %% 5], requester_id,
                   '', 'portal', '', '', now() - make_interval(mins => g),
                   now() - make_interval(mins => g), '', ''
            FROM tickets_ticket, generate_series(1, 100000) g WHERE id = %s
            """,
            [template.pk],
        )
        cursor.execute("ANALYZE tickets_ticket")
    counters_rebuild()  # as bench/seed.py does after loading rows in bulk

    client = api(agent)
    explainer = Explainer()
    with connection.execute_wrapper(explainer):
        answer = client.get("/api/v1/tickets/").json()

    assert answer["count"] == 100001
    assert len(answer["results"]) == 25
    listing = [plan for sql, plan in explainer.seen if "ORDER BY" in sql]
    assert listing
    assert all("Seq Scan on tickets_ticket" not in plan for plan in listing)
    assert any("Index Scan" in plan for plan in listing)


class Explainer:
    """Runs EXPLAIN beside each query of the tickets table, as the query runs."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and '"tickets_ticket"' in sql:
            cursor = context["cursor"]
            cursor.execute("EXPLAIN " + sql, params)
            self.seen.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        return execute(sql, params, many, context)
