"""How long lists count: the kept counters when they can tell, a bounded count when filtered."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import Explainer, bring_to, bulk_tickets
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
    settings.HELPDESK_SEARCH_EXACT_BELOW = 10**9  # the count, not the planner's estimate
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
    bulk_tickets(make_ticket(alice, subject="Template"), 100_000)

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
    assert all("Sort" not in plan for plan in listing)


@pytest.mark.postgres
def test_a_search_matching_many_shows_the_planners_estimate_without_counting(
    login, api, agent, alice, make_ticket
):
    template = make_ticket(alice, subject="Template")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_ticket (organization_id, subject, description, category_id,
                priority, status, requester_id, internal_reference, channel, product, resource,
                created_at, updated_at, search_document, notes_document)
            SELECT organization_id, 'Bulk ' || g, '', category_id, 2,
                   (ARRAY['open','closed','in_progress'])[1 + g %% 3], requester_id, '',
                   'portal', '', '', now(), now() - make_interval(mins => g),
                   CASE WHEN g %% 5 = 0 THEN 'Printer jams again ' || g
                        ELSE 'Network outage ' || g END, ''
            FROM tickets_ticket, generate_series(1, 30000) g WHERE id = %s
            """,
            [template.pk],
        )
        cursor.execute("ANALYZE tickets_ticket")

    with CaptureQueriesContext(connection) as queries:
        answer = api(agent).get("/api/v1/tickets/", {"search": "printer"}).json()
    page = login(agent).get(reverse("agent:queue", kwargs={"view": "active"}), {"q": "printer"})
    narrow = api(agent).get("/api/v1/tickets/", {"search": "printer 15"}).json()

    # 6,000 tickets match: the answer says about that many, without counting them.
    assert 3000 < answer["count"] < 12000
    assert len(answer["results"]) == 25
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert re.search(r"about [\d,]+ tickets", page.content.decode())
    assert narrow["count"] == 1  # a few matches are still counted exactly
