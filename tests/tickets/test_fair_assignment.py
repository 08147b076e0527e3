"""Fair assignment (issue 18): where a deployment turns it on, a new ticket goes to an
agent marked available, in turn or to the least busy, never past the per-agent cap;
the assignment is the ordinary one (its history entry, its notifications)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.notifications.helpers import deliver, told
from tickets import services
from tickets.models import Status, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def available(agent, agent2):
    User.objects.filter(pk__in=[agent.pk, agent2.pk]).update(is_available=True)
    return [agent, agent2]


def assignees(tickets) -> list[str | None]:
    return [t.assignee.email if t.assignee else None for t in tickets]


def test_off_by_default_new_tickets_wait_unassigned(alice, make_ticket, available):
    ticket = make_ticket(alice, "Printer on fire")

    assert ticket.assignee is None
    assert ticket.status == Status.OPEN


def test_round_robin_takes_the_available_agents_in_turn(
    settings, alice, bob, agent, agent2, make_ticket, available
):
    settings.HELPDESK_AUTO_ASSIGN = "round_robin"

    tickets = [make_ticket(alice if i % 2 else bob, f"Ticket {i}") for i in range(4)]

    assert assignees(tickets) == [agent.email, agent2.email, agent.email, agent2.email]


def test_least_active_gives_the_ticket_to_the_least_busy_agent(
    settings, alice, agent, agent2, make_ticket, available
):
    for i in range(2):
        services.ticket_take(ticket=make_ticket(alice, f"Busy {i}"), agent=agent)
    settings.HELPDESK_AUTO_ASSIGN = "least_active"

    tickets = [make_ticket(alice, f"New {i}") for i in range(3)]

    # agent2 catches up to two, then the tie goes to whoever waited longest.
    assert assignees(tickets) == [agent2.email, agent2.email, agent.email]


def test_solved_tickets_do_not_count_toward_the_load(
    settings, alice, agent, agent2, make_ticket, available
):
    busy = make_ticket(alice, "Was busy")
    services.ticket_take(ticket=busy, agent=agent)
    services.ticket_change_status(ticket=busy, actor=agent, action="solve")
    services.ticket_take(ticket=make_ticket(alice, "Still open"), agent=agent2)
    settings.HELPDESK_AUTO_ASSIGN = "least_active"

    assert make_ticket(alice, "New").assignee == agent


def test_nobody_is_given_more_than_the_cap(settings, alice, make_ticket, available):
    settings.HELPDESK_AUTO_ASSIGN = "round_robin"
    settings.HELPDESK_AUTO_ASSIGN_CAP = 1

    tickets = [make_ticket(alice, f"Ticket {i}") for i in range(3)]

    assert assignees(tickets)[2] is None
    assert len({email for email in assignees(tickets) if email}) == 2


def test_unavailable_or_deactivated_agents_get_nothing(
    settings, alice, agent, agent2, support_admin, make_ticket
):
    settings.HELPDESK_AUTO_ASSIGN = "round_robin"
    User.objects.filter(pk=agent.pk).update(is_available=True, is_active=False)
    User.objects.filter(pk=alice.pk).update(is_available=True)  # a customer is never chosen

    assert make_ticket(alice, "Nobody free").assignee is None


def test_a_ticket_support_opens_for_a_customer_is_not_assigned_automatically(
    settings, alice, agent, make_ticket, available
):
    settings.HELPDESK_AUTO_ASSIGN = "round_robin"

    ticket = services.ticket_open(
        actor=agent,
        requester=alice,
        organization=alice.organization,
        subject="Called in",
        description="By phone.",
        category=make_ticket(alice, "First").category,
    )

    assert ticket.assignee is None


def test_the_assignment_is_an_ordinary_event_by_the_system_and_notifies(
    settings, alice, agent, make_ticket
):
    settings.HELPDESK_AUTO_ASSIGN = "least_active"
    User.objects.filter(pk=agent.pk).update(is_available=True)

    ticket = make_ticket(alice, "Printer on fire")
    deliver()

    assert ticket.status == Status.IN_PROGRESS
    event = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED)
    assert (event.actor, event.to_value) == (None, agent.full_name)
    assert told().get(agent.email) is not None


def test_an_agent_switches_their_availability_from_the_queue(settings, login, agent):
    settings.HELPDESK_AUTO_ASSIGN = "round_robin"
    client = login(agent)
    queue = reverse("agent:queue", args=["unassigned"])
    assert "Available for new tickets: off" in client.get(queue).content.decode()

    client.post(reverse("agent:availability"), {"available": "1", "next": queue})
    agent.refresh_from_db()
    on = agent.is_available
    client.post(reverse("agent:availability"), {"available": "0", "next": queue})
    agent.refresh_from_db()

    assert (on, agent.is_available) == (True, False)


def test_the_toggle_is_hidden_when_the_deployment_does_not_assign(login, agent):
    page = login(agent).get(reverse("agent:queue", args=["unassigned"])).content.decode()

    assert "Available for new tickets" not in page


def test_a_customer_gets_404_from_the_toggle_and_stays_unavailable(login, alice):
    response = login(alice).post(reverse("agent:availability"), {"available": "1"})

    assert response.status_code == 404
    alice.refresh_from_db()
    assert alice.is_available is False


def test_the_automatic_assignment_shows_in_the_history_for_agent_and_customer(
    settings, login, alice, agent, make_ticket
):
    settings.HELPDESK_AUTO_ASSIGN = "round_robin"
    User.objects.filter(pk=agent.pk).update(is_available=True)
    ticket = make_ticket(alice, "Printer on fire")

    agent_page = login(agent).get(ticket.get_absolute_url())
    customer_page = login(alice).get(ticket.get_absolute_url())

    assert agent_page.status_code == customer_page.status_code == 200
    assert agent.full_name in agent_page.content.decode()


def test_an_unknown_assignment_mode_is_refused_at_start():
    from tests.test_settings import PRODUCTION, manage

    result = manage("check", env={**PRODUCTION, "HELPDESK_AUTO_ASSIGN": "sometimes"})

    assert result.returncode != 0
    assert "HELPDESK_AUTO_ASSIGN is off, round_robin or least_active." in result.stderr
    assert "Traceback" not in result.stderr
