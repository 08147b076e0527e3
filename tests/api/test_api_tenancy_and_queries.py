"""Across tenants the API answers 404 and changes nothing; lists keep a fixed query count."""

import pytest

from tests.attachments.files import upload
from tickets import services
from tickets.models import Attachment, Message, Ticket, TicketEvent

ENDPOINTS = [
    ("get", "/api/v1/tickets/{n}/", None),
    ("patch", "/api/v1/tickets/{n}/", {"internal_reference": "stolen"}),
    ("get", "/api/v1/tickets/{n}/messages/", None),
    ("post", "/api/v1/tickets/{n}/messages/", {"body": "hello from Globex"}),
    ("post", "/api/v1/tickets/{n}/close/", None),
    ("post", "/api/v1/tickets/{n}/reopen/", {"body": "reopen it"}),
]


@pytest.fixture
def acme_ticket(alice, make_ticket, agent):
    ticket = make_ticket(alice, internal_reference="ACME-SECRET")
    services.ticket_reply(
        ticket=ticket, author=alice, body="with a file", files=[upload("notes.txt")]
    )
    return ticket


def snapshot(ticket: Ticket):
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.internal_reference,
        ticket.updated_at,
        Message.objects.count(),
        TicketEvent.objects.count(),
        Ticket.objects.count(),
    )


@pytest.mark.parametrize(("method", "path", "payload"), ENDPOINTS)
def test_another_organisations_customer_gets_404_and_nothing_changes(
    method, path, payload, api, carol, acme_ticket
):
    before = snapshot(acme_ticket)

    response = getattr(api(carol), method)(path.format(n=acme_ticket.pk), payload, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert "ACME" not in response.content.decode()
    assert snapshot(acme_ticket) == before


@pytest.mark.parametrize(("method", "path", "payload"), ENDPOINTS)
def test_a_missing_ticket_answers_exactly_like_another_organisations(
    method, path, payload, api, carol, acme_ticket
):
    foreign = getattr(api(carol), method)(path.format(n=acme_ticket.pk), payload, format="json")
    missing = getattr(api(carol), method)(path.format(n=999999), payload, format="json")

    assert (missing.status_code, missing.json()) == (foreign.status_code, foreign.json())


def test_another_organisations_file_is_404(api, carol, acme_ticket):
    attachment = Attachment.objects.get()

    response = api(carol).get(f"/api/v1/attachments/{attachment.pk}/download/")

    assert response.status_code == 404


def test_a_customer_never_downloads_an_internal_file(api, alice, agent, acme_ticket):
    services.ticket_reply(
        ticket=acme_ticket, author=agent, body="note", internal=True, files=[upload("logs.zip")]
    )
    internal = Attachment.objects.get(is_internal=True)

    assert api(alice).get(f"/api/v1/attachments/{internal.pk}/download/").status_code == 404
    assert api(agent).get(f"/api/v1/attachments/{internal.pk}/download/").status_code == 200


def test_lists_and_search_never_show_another_organisation(api, carol, acme_ticket):
    client = api(carol)

    assert client.get("/api/v1/tickets/").json()["count"] == 0
    assert client.get("/api/v1/tickets/?search=ACME-SECRET").json()["count"] == 0
    assert client.get(f"/api/v1/tickets/?search={acme_ticket.pk}").json()["count"] == 0


def test_a_customer_cannot_open_a_ticket_in_another_organisation(api, carol, alice, category):
    response = api(carol).post(
        "/api/v1/tickets/",
        {
            "category": "technical",
            "subject": "x",
            "description": "y",
            "organization": "ACME",
            "requester": alice.email,
        },
        format="json",
    )

    assert response.status_code == 400
    assert not Ticket.objects.filter(organization__alias="ACME").exists()


# Query budgets: the same count for a page of 2 and a page of 60.


def _fill(make_ticket, user, agent, count):
    for i in range(count):
        ticket = make_ticket(user, f"T{i}")
        services.ticket_take(ticket=ticket, agent=agent)


@pytest.mark.parametrize("size", [2, 60])
def test_the_ticket_list_runs_a_fixed_number_of_queries(
    size, api, alice, agent, make_ticket, django_assert_max_num_queries
):
    _fill(make_ticket, alice, agent, size)
    customer, staff = api(alice), api(agent)

    with django_assert_max_num_queries(4):
        response = customer.get("/api/v1/tickets/?page_size=100")
    assert response.json()["count"] == size
    # A search asks the planner how many match first (PostgreSQL), then counts a few.
    with django_assert_max_num_queries(5):
        assert staff.get("/api/v1/tickets/?page_size=100&search=T").status_code == 200


@pytest.mark.parametrize("size", [2, 40])
def test_the_message_list_runs_a_fixed_number_of_queries(
    size, api, alice, agent, make_ticket, django_assert_max_num_queries
):
    ticket = make_ticket(alice)
    for i in range(size):
        services.ticket_reply(
            ticket=ticket,
            author=agent,
            body=f"m{i}",
            files=[upload("notes.txt")] if i % 5 == 0 else [],
        )
    client = api(alice)

    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/tickets/{ticket.pk}/messages/?page_size=100")
    assert response.json()["count"] == size
