"""Tenants never meet: Carol of Globex gets 404 and no data for everything of Acme's."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Message, Status, Ticket, TicketEvent
from tickets.workflow import Action, TransitionError


@pytest.fixture
def acme_ticket(alice, agent, make_ticket):
    ticket = make_ticket(
        alice,
        subject="Acme private subject",
        description="Acme private description",
        internal_reference="ACME-SECRET-REF",
    )
    services.ticket_reply(ticket=ticket, author=agent, body="Acme private reply")
    return ticket


@pytest.fixture
def closed_acme_ticket(alice, make_ticket):
    ticket = make_ticket(alice, subject="Acme closed subject")
    services.ticket_close(ticket=ticket, actor=alice)
    return ticket


def snapshot(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.internal_reference,
        ticket.updated_at,
        Message.objects.filter(ticket=ticket).count(),
        TicketEvent.objects.filter(ticket=ticket).count(),
        Ticket.objects.count(),
    )


def assert_no_acme_data(response) -> None:
    html = response.content.decode()
    for secret in ("Acme private", "ACME-SECRET-REF", "Acme closed", "Alice Anders"):
        assert secret not in html


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "tickets:detail", None),
        ("get", "tickets:close", None),
        ("post", "tickets:close", {}),
        ("post", "tickets:reply", {"body": "Carol was here"}),
        ("post", "tickets:reopen", {"body": "Carol was here"}),
        ("post", "tickets:reference", {"internal_reference": "CAROL"}),
    ],
)
@pytest.mark.parametrize("which", ["acme_ticket", "closed_acme_ticket"])
def test_another_organisations_ticket_is_a_404_and_nothing_changes(
    method, name, data, which, request, login, carol
):
    ticket = request.getfixturevalue(which)
    before = snapshot(ticket)
    client = login(carol)

    response = getattr(client, method)(reverse(name, args=[ticket.pk]), data)

    assert response.status_code == 404
    assert_no_acme_data(response)
    assert snapshot(ticket) == before


def test_a_missing_ticket_and_another_organisations_ticket_answer_alike(login, carol, acme_ticket):
    client = login(carol)

    theirs = client.get(reverse("tickets:detail", args=[acme_ticket.pk]))
    missing = client.get(reverse("tickets:detail", args=[acme_ticket.pk + 1000]))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content


def test_guessing_numbers_finds_nothing_of_another_organisation(
    login, carol, make_ticket, acme_ticket
):
    own = make_ticket(carol, subject="Globex own")
    client = login(carol)

    # Numbers around both tickets (on PostgreSQL they grow over the whole suite).
    guesses = sorted({*range(max(1, own.pk - 30), own.pk + 20), acme_ticket.pk})
    found = [
        number
        for number in guesses
        if client.get(reverse("tickets:detail", args=[number])).status_code == 200
    ]

    assert found == [own.pk]


@pytest.mark.parametrize("url", [reverse("tickets:list"), reverse("tickets:archive")])
@pytest.mark.parametrize(
    "query",
    ["", "Acme", "private", "ACME-SECRET-REF", "alice@acme.example", "Alice"],
)
def test_lists_and_search_never_show_another_organisations_tickets(
    url, query, login, carol, make_ticket, acme_ticket, closed_acme_ticket
):
    own = make_ticket(carol, subject="Globex own Acme private lookalike")
    if url.endswith("archive/"):
        services.ticket_close(ticket=own, actor=carol)

    response = login(carol).get(url, {"q": query})

    assert {ticket.organization_id for ticket in response.context["tickets"]} <= {
        carol.organization_id
    }
    assert acme_ticket.pk not in [t.pk for t in response.context["tickets"]]
    assert closed_acme_ticket.pk not in [t.pk for t in response.context["tickets"]]


def test_searching_by_another_organisations_ticket_number_finds_nothing(login, carol, acme_ticket):
    response = login(carol).get(reverse("tickets:list"), {"q": str(acme_ticket.pk)})

    assert list(response.context["tickets"]) == []
    assert_no_acme_data(response)


def test_no_form_field_puts_a_ticket_into_another_organisation(login, carol, acme, category):
    login(carol).post(
        reverse("tickets:create"),
        {
            "category": "technical",
            "subject": "Mine",
            "description": "D",
            "priority": 2,
            "organization": acme.pk,
            "organization_id": acme.pk,
            "requester": 1,
        },
    )

    ticket = Ticket.objects.get()
    assert ticket.organization == carol.organization
    assert ticket.requester == carol


def test_an_agent_sees_every_organisation(login, agent, carol, make_ticket, acme_ticket):
    globex_ticket = make_ticket(carol)

    response = login(agent).get(reverse("tickets:list"))

    assert {t.pk for t in response.context["tickets"]} == {acme_ticket.pk, globex_ticket.pk}


def test_a_deactivated_users_session_sees_nothing(login, alice, acme_ticket):
    client = login(alice)
    alice.is_active = False
    alice.save()

    response = client.get(reverse("tickets:detail", args=[acme_ticket.pk]))

    assert response.status_code == 302  # back to the login page
    assert_no_acme_data(response)


def test_status_changes_by_another_organisation_leave_the_ticket_alone(carol, acme_ticket):
    with pytest.raises(TransitionError):
        services.ticket_change_status(ticket=acme_ticket, actor=carol, action=Action.CLOSE)

    acme_ticket.refresh_from_db()
    assert acme_ticket.status == Status.IN_PROGRESS
