"""Taking a ticket someone else took in the meantime is refused, not a silent takeover."""

import pytest
from rest_framework.test import APIClient

from tests.concurrency import run_together
from tickets.models import Ticket, TicketEvent


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_taking_a_ticket_another_agent_has_answers_409_and_changes_nothing(
    agent, agent2, bob, make_ticket
):
    ticket = make_ticket(bob)
    assert api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/take/").status_code == 200

    refused = api_as(agent2).post(f"/api/v1/tickets/{ticket.pk}/take/")

    assert refused.status_code == 409
    assert "Sam Support has this ticket" in refused.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_an_explicit_take_over_is_still_possible_and_in_the_history(
    agent, agent2, bob, make_ticket
):
    ticket = make_ticket(bob)
    api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/take/")

    taken = api_as(agent2).post(
        f"/api/v1/tickets/{ticket.pk}/take/", {"take_over": True}, format="json"
    )

    assert taken.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee == agent2
    last = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED).last()
    assert (last.from_value, last.to_value) == ("Sam Support", "Robin Responder")


def test_the_ticket_page_offers_take_over_with_the_holders_name(
    login, agent, agent2, bob, make_ticket
):
    ticket = make_ticket(bob)
    api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/take/")

    page = login(agent2).get(f"/tickets/{ticket.pk}/").content.decode()
    response = login(agent2).post(f"/tickets/{ticket.pk}/take/", follow=True)

    assert "Take over from Sam Support" in page
    assert "Sam Support has this ticket" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_one_ticket_at_once_get_one_200_and_one_409(
    agent, agent2, bob, make_ticket
):
    ticket = make_ticket(bob)

    codes = run_together(
        *[
            (lambda user=user: api_as(user).post(f"/api/v1/tickets/{ticket.pk}/take/").status_code)
            for user in (agent, agent2)
        ]
    )

    assert sorted(codes) == [200, 409]
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED).count() == 1
