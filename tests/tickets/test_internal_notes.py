"""Internal notes never reach a customer, whatever the path (pages, search, history, data)."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Message, Ticket, TicketEvent

NOTE = "customer-uses-an-ancient-kernel"


@pytest.fixture
def noted(alice, agent, make_ticket):
    ticket = make_ticket(alice, subject="Kernel panic")
    services.ticket_reply(ticket=ticket, author=agent, body="Public answer")
    services.ticket_reply(ticket=ticket, author=agent, body=NOTE, internal=True)
    return ticket


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_ticket_page_shows_no_note_nor_its_history_entry(who, request, login, noted):
    html = login(request.getfixturevalue(who)).get(noted.get_absolute_url()).content.decode()

    assert "Public answer" in html
    assert NOTE not in html
    assert "internal note" not in html.lower()


@pytest.mark.parametrize("url", [reverse("tickets:list"), reverse("tickets:archive")])
def test_customer_search_never_matches_a_note(url, login, alice, noted):
    services.ticket_close(ticket=noted, actor=alice)

    response = login(alice).get(url, {"q": NOTE})

    assert list(response.context["tickets"]) == []


def test_the_customer_search_text_holds_no_note(noted):
    noted.refresh_from_db()

    assert NOTE not in noted.search_document
    assert NOTE in noted.notes_document


def test_the_tenant_doors_hide_notes_from_customers(alice, agent, noted):
    assert NOTE not in Message.objects.visible_to(alice).values_list("body", flat=True)
    assert not TicketEvent.objects.visible_to(alice).filter(kind="note").exists()
    assert NOTE in Message.objects.visible_to(agent).values_list("body", flat=True)


def test_a_note_does_not_move_the_tickets_update_time_customers_see(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    before = Ticket.objects.get(pk=ticket.pk).updated_at

    services.ticket_reply(ticket=ticket, author=agent, body=NOTE, internal=True)

    assert Ticket.objects.get(pk=ticket.pk).updated_at == before
