"""CSV exports of ticket lists: the list's own tickets and filters, streamed,
never another organisation's, never a formula that runs."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import bring_to
from tickets import exports, services
from tickets.models import Status


def read(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def tickets(alice, bob, carol, agent, make_ticket):
    printer = make_ticket(bob, subject="Printer jams")
    make_ticket(alice, subject="Invoice wrong")
    solved = make_ticket(alice, subject="Old printer question")
    bring_to(solved, Status.SOLVED, agent=agent, customer=alice)
    make_ticket(carol, subject="Globex reactor")
    services.ticket_reply(ticket=printer, author=agent, body="Internal: old model", internal=True)
    services.ticket_reply(ticket=printer, author=agent, body="Try the blue tray.")
    return printer


def test_a_customer_exports_the_list_they_see_with_its_search(tickets, bob, login):
    client = login(bob)

    everything = read(client.get(reverse("tickets:export")))
    searched = read(client.get(reverse("tickets:export"), {"q": "printer"}))
    archive = read(client.get(reverse("tickets:export"), {"archived": "1"}))

    assert everything[0][:3] == ["Number", "Subject", "Status"]
    assert sorted(row[1] for row in everything[1:]) == ["Invoice wrong", "Printer jams"]
    assert [row[1] for row in searched[1:]] == ["Printer jams"]
    assert [row[1] for row in archive[1:]] == ["Old printer question"]
    assert "Globex" not in str(everything + archive)
    assert "Organisation" not in everything[0]  # support's columns stay support's


def test_the_queue_exports_its_view_and_filters_across_organisations(tickets, agent, login):
    rows = read(login(agent).get(reverse("agent:queue_export", args=["unassigned"])))
    acme_only = read(
        login(agent).get(
            reverse("agent:queue_export", args=["unassigned"]), {"organization": "ACME"}
        )
    )

    assert rows[0][:3] == ["Number", "Organisation", "Subject"]
    assert {row[2] for row in rows[1:]} >= {"Printer jams", "Globex reactor"}
    assert {row[1] for row in acme_only[1:]} == {"ACME"}


def test_messages_are_for_support_admins_with_internal_notes_marked(
    tickets, agent, support_admin, bob, login
):
    url = reverse("agent:queue_export", args=["unassigned"])
    assert login(agent).get(url, {"what": "messages"}).status_code == 404
    assert login(bob).get(url).status_code == 404

    rows = read(login(support_admin).get(url, {"what": "messages", "q": "printer jams"}))

    bodies = {(row[4], row[5]) for row in rows[1:]}
    assert bodies == {("yes", "Internal: old model"), ("no", "Try the blue tray.")}


def test_a_formula_in_a_subject_is_written_as_text(alice, make_ticket, login):
    make_ticket(alice, subject='=HYPERLINK("http://evil.example","click")')
    make_ticket(alice, subject="@SUM(1+1)")

    rows = read(login(alice).get(reverse("tickets:export")))

    subjects = sorted(row[1] for row in rows[1:])
    assert subjects == ['\'=HYPERLINK("http://evil.example","click")', "'@SUM(1+1)"]


def test_the_export_reads_a_fixed_number_of_queries_whatever_its_size(
    alice, make_ticket, login, django_assert_max_num_queries
):
    client = login(alice)
    make_ticket(alice, subject="One")
    with django_assert_max_num_queries(12) as few:
        read(client.get(reverse("tickets:export")))
    for i in range(60):
        make_ticket(alice, subject=f"Many {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = read(client.get(reverse("tickets:export")))
    assert len(rows) == 62


def test_a_queue_export_of_hundreds_of_tickets_streams_them_batch_by_batch(
    alice, carol, support_admin, make_ticket, login, monkeypatch
):
    # Given 200 tickets in two organisations, and batches of 80 rows (production
    # reads 2,000 at a time: the same walk, with fewer tickets to make).
    monkeypatch.setattr(exports, "BATCH", 80)
    made = [make_ticket(alice if i % 2 else carol, subject=f"Ticket {i}").pk for i in range(200)]

    # When support exports the queue's active view, unfiltered,
    response = login(support_admin).get(reverse("agent:queue_export", args=["active"]))

    # then the answer is a stream: the first rows come from the first batch's
    # query alone, before the later batches are read.
    assert isinstance(response, StreamingHttpResponse)
    lines = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as first:
        head = [next(lines) for _ in range(3)]  # the byte-order mark, the header, one row
    assert len(first.captured_queries) == 1
    with CaptureQueriesContext(connection) as rest:
        tail = list(lines)
    assert len(rest.captured_queries) == 3  # 80 then 40 rows, then an empty batch
    rows = list(csv.reader(io.StringIO(b"".join(head + tail).decode("utf-8")[1:])))
    numbers = [int(row[0]) for row in rows[1:]]
    assert numbers == sorted(made)  # every ticket once, by number
