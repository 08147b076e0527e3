"""The API's ticket list pages by cursor: every ticket once, in order, whatever changes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.helpers import Explainer, bulk_tickets
from tickets import services
from tickets.models import Priority, Ticket


def walk(client, url: str) -> tuple[list[int], int]:
    """Follow ``next`` from ``url`` to the end; the numbers seen and the pages read."""
    seen: list[int] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["number"] for row in body["results"]]
        url = body["next"]
        pages += 1
    return seen, pages


@pytest.fixture
def eleven(alice, make_ticket):
    """Eleven tickets with ties in every ordering: equal priorities, two equal times."""
    made = [
        make_ticket(alice, subject=f"Keyset {n}", priority=[Priority.LOW, Priority.HIGH][n % 2])
        for n in range(11)
    ]
    same = timezone.now()
    Ticket.objects.filter(pk__in=[made[3].pk, made[4].pk]).update(updated_at=same, created_at=same)
    return made


@pytest.mark.parametrize(
    "ordering",
    ["", "-updated_at", "updated_at", "created_at", "-created_at", "priority", "-priority"],
)
def test_following_next_gives_every_ticket_once_in_the_lists_order(api, alice, eleven, ordering):
    client = api(alice)
    whole = client.get(f"/api/v1/tickets/?page_size=100&ordering={ordering}").json()["results"]

    seen, pages = walk(client, f"/api/v1/tickets/?page_size=3&ordering={ordering}")

    assert seen == [row["number"] for row in whole]
    assert len(seen) == 11
    assert pages == 4


def test_previous_goes_back_to_the_same_rows(api, alice, eleven):
    client = api(alice)
    first = client.get("/api/v1/tickets/?page_size=4").json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    back = client.get(third["previous"]).json()
    assert [r["number"] for r in back["results"]] == [r["number"] for r in second["results"]]
    again = client.get(back["previous"]).json()
    assert [r["number"] for r in again["results"]] == [r["number"] for r in first["results"]]
    assert first["previous"] is None
    assert third["next"] is None
    assert "cursor=" in first["next"]
    assert "page=" not in first["next"]


def test_a_ticket_updated_between_pages_neither_repeats_nor_hides_another(
    api, alice, agent, eleven
):
    client = api(alice)
    first = client.get("/api/v1/tickets/?page_size=4").json()
    # Someone answers a ticket on the first page: it moves to the top.
    moved = Ticket.objects.get(pk=first["results"][-1]["number"])
    services.ticket_take(ticket=moved, agent=agent)

    rest, _ = walk(client, first["next"])

    shown = [r["number"] for r in first["results"]] + rest
    assert sorted(shown) == sorted(t.pk for t in eleven)


def test_a_search_pages_on_past_its_counted_cap(api, alice, make_ticket, settings):
    settings.HELPDESK_LIST_COUNT_CAP = 3
    matching = {make_ticket(alice, subject=f"Toner cartridge {n}").pk for n in range(7)}
    make_ticket(alice, subject="Unrelated")
    client = api(alice)

    first = client.get("/api/v1/tickets/?search=toner&page_size=2").json()
    seen, _ = walk(client, "/api/v1/tickets/?search=toner&page_size=2")

    assert first["count"] == 3  # counted no further than the cap...
    assert set(seen) == matching
    assert len(seen) == 7


def test_a_forged_cursor_is_refused_naming_the_parameter(api, alice, eleven):
    client = api(alice)
    next_url = client.get("/api/v1/tickets/?page_size=3").json()["next"]
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]

    forged = client.get("/api/v1/tickets/", {"cursor": cursor[:-3] + "abc"})
    assert forged.status_code == 400
    assert forged.json() == {"cursor": ["Not a cursor this list gave."]}

    other_order = client.get("/api/v1/tickets/", {"cursor": cursor, "ordering": "priority"})
    assert other_order.status_code == 400
    assert "another ordering" in other_order.json()["cursor"][0]


def test_another_organisations_cursor_shows_only_your_own_tickets(
    api, alice, carol, eleven, make_ticket
):
    globex = {make_ticket(carol, subject=f"Globex {n}").pk for n in range(3)}
    acme_next = api(alice).get("/api/v1/tickets/?page_size=3").json()["next"]

    seen, _ = walk(api(carol), acme_next.replace("page_size=3", "page_size=1"))

    assert set(seen) <= globex
    assert not set(seen) & {t.pk for t in eleven}


def test_a_cursor_page_costs_a_fixed_number_of_queries(
    api, alice, eleven, django_assert_max_num_queries
):
    client = api(alice)
    url = client.get("/api/v1/tickets/?page_size=2").json()["next"]
    with django_assert_max_num_queries(8):
        small = client.get(url)
    url = client.get("/api/v1/tickets/?page_size=5").json()["next"]
    with django_assert_max_num_queries(8):
        large = client.get(url)
    assert len(small.json()["results"]) == 2
    assert len(large.json()["results"]) == 5


@pytest.mark.postgres
@pytest.mark.parametrize("ordering", ["-updated_at", "-created_at", "-priority", "created_at"])
def test_a_deep_cursor_page_walks_an_index_at_a_hundred_thousand_tickets(
    api, agent, alice, make_ticket, ordering
):
    bulk_tickets(make_ticket(alice, subject="Template"), 100_000)
    client = api(agent)
    page = client.get(f"/api/v1/tickets/?ordering={ordering}").json()
    for _ in range(3):
        page = client.get(page["next"]).json()

    explainer = Explainer()
    with connection.execute_wrapper(explainer):
        deep = client.get(page["next"]).json()

    assert len(deep["results"]) == 25
    listing = [plan for sql, plan in explainer.seen if "ORDER BY" in sql]
    assert listing
    assert all("Seq Scan on tickets_ticket" not in plan for plan in listing)
    assert all("Sort" not in plan for plan in listing), listing


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_filtered_lists_later_pages_answer_the_first_count_without_counting(
    api, alice, eleven, django_assert_max_num_queries
):
    # priority is a filter the kept counters cannot answer: the first page counts.
    client = api(alice)
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/api/v1/tickets/?priority=low&page_size=2").json()
    first_queries = list(captured.captured_queries)  # each request empties Django's log
    with CaptureQueriesContext(connection) as captured:
        second = client.get(first["next"]).json()
    later_queries = list(captured.captured_queries)
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()

    assert first["count"] == 6
    assert len(_counts(first_queries)) == 1
    assert _counts(later_queries) == []
    assert len(later_queries) <= len(first_queries) - 1
    assert [second["count"], third["count"], back["count"]] == [6, 6, 6]
    assert [r["number"] for r in back["results"]] == [r["number"] for r in second["results"]]
    with django_assert_max_num_queries(len(later_queries)):
        client.get(back["next"])


def test_the_carried_count_is_the_first_pages_until_the_list_is_started_again(
    api, alice, eleven, make_ticket
):
    client = api(alice)
    first = client.get("/api/v1/tickets/?priority=low&page_size=2").json()
    make_ticket(alice, subject="Opened while paging", priority=Priority.LOW)

    assert client.get(first["next"]).json()["count"] == 6
    assert client.get("/api/v1/tickets/?priority=low&page_size=2").json()["count"] == 7


def test_a_cursor_taken_to_other_filters_or_another_caller_counts_afresh(
    api, alice, carol, eleven, make_ticket
):
    make_ticket(carol, subject="Globex low", priority=Priority.LOW)
    acme_next = api(alice).get("/api/v1/tickets/?priority=low&page_size=2").json()["next"]

    high = api(alice).get(acme_next.replace("priority=low", "priority=high")).json()
    as_carol = api(carol).get(acme_next).json()

    assert high["count"] == 5
    assert as_carol["count"] == 1


def test_the_schema_says_cursor_pages_repeat_the_first_count(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    page = schema["components"]["schemas"]["PaginatedTicketList"]["properties"]["count"]
    assert "as the first page counted them" in page["description"]
    assert "rides in the cursor" in page["description"]
    listing = schema["paths"]["/api/v1/tickets/"]["get"]["description"]
    assert "without counting" in listing
