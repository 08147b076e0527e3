"""What the lifecycle offers: ``workflow.available_actions``, and the ticket pages'
buttons and the API's ``actions`` that follow it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.helpers import bring_to
from tickets import workflow
from tickets.access import get_ticket_for
from tickets.models import Status, Ticket
from tickets.workflow import Action

STATUSES = [Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.SOLVED, Status.CLOSED]

# Who looks at a ticket: the agent who has it (nobody has an Open one), another
# agent, and the customer who asked. Acme answers a closed ticket by reopening.
EXPECTED = {
    ("holder", Status.OPEN): "take agent_reply note edit resume wait solve close",
    ("holder", Status.IN_PROGRESS): "agent_reply note edit wait solve close",
    ("holder", Status.WAITING): "agent_reply note edit resume solve close",
    ("holder", Status.SOLVED): "agent_reply note edit resume wait close",
    ("holder", Status.CLOSED): "reopen",
    ("other_agent", Status.OPEN): "take agent_reply note edit resume wait solve close",
    ("other_agent", Status.IN_PROGRESS): "take agent_reply note edit wait solve close",
    ("other_agent", Status.WAITING): "take agent_reply note edit resume solve close",
    ("other_agent", Status.SOLVED): "take agent_reply note edit resume wait close",
    ("other_agent", Status.CLOSED): "reopen",
    ("customer", Status.OPEN): "customer_reply close",
    ("customer", Status.IN_PROGRESS): "customer_reply close",
    ("customer", Status.WAITING): "customer_reply close",
    ("customer", Status.SOLVED): "customer_reply close",
    ("customer", Status.CLOSED): "reopen",
}


@pytest.fixture
def ticket_in(make_ticket, agent):
    """A ticket of ``customer`` walked to ``status``; the agent takes it on the way."""

    def walk(status: str, customer) -> Ticket:
        ticket = bring_to(make_ticket(customer), status, agent=agent, customer=customer)
        ticket = get_ticket_for(customer, ticket.pk)  # as the pages fetch it
        assert ticket.status == status
        return ticket

    return walk


def persona(role, *, agent, agent2, alice):
    return {"holder": agent, "other_agent": agent2, "customer": alice}[role]


# --- The lifecycle's answer ----------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ["holder", "other_agent", "customer"])
def test_each_role_is_offered_exactly_what_the_table_allows_from_each_status(
    role, status, ticket_in, alice, agent, agent2
):
    ticket = ticket_in(status, alice)
    user = persona(role, agent=agent, agent2=agent2, alice=alice)

    offered = workflow.available_actions(ticket, user)

    assert offered == EXPECTED[(role, status)].split()
    for action in offered:  # each one is a move the lifecycle itself accepts
        workflow.check(ticket, action, user)


def test_a_closed_ticket_under_the_follow_up_policy_offers_a_follow_up_not_a_reopen(
    ticket_in, carol, agent
):
    ticket = ticket_in(Status.CLOSED, carol)

    assert workflow.available_actions(ticket, carol) == [Action.FOLLOW_UP]
    assert workflow.available_actions(ticket, agent) == [Action.FOLLOW_UP]


def test_someone_of_another_organisation_is_offered_nothing(ticket_in, alice, carol):
    ticket = ticket_in(Status.OPEN, alice)

    assert workflow.available_actions(ticket, carol) == []


def test_only_the_system_is_offered_the_automatic_close_and_only_once_it_is_due(
    ticket_in, alice, agent
):
    ticket = ticket_in(Status.SOLVED, alice)
    due = ticket.solved_at + timedelta(hours=72)

    assert workflow.available_actions(ticket, None, now=due - timedelta(seconds=1)) == []
    assert workflow.available_actions(ticket, None, now=due) == [Action.AUTO_CLOSE]
    assert Action.AUTO_CLOSE not in workflow.available_actions(ticket, agent)
    assert workflow.available_actions(ticket_in(Status.OPEN, alice), None, now=due) == []


def test_asking_what_is_possible_runs_no_query(
    ticket_in, alice, agent, carol, django_assert_num_queries
):
    active = ticket_in(Status.SOLVED, alice)
    closed = ticket_in(Status.CLOSED, carol)

    with django_assert_num_queries(0):
        workflow.available_actions(active, alice)
        workflow.available_actions(active, agent)
        workflow.available_actions(closed, carol)
        workflow.available_actions(closed, agent)


# --- The pages show the answer -----------------------------------------------------------


def agent_page_offers(html: str, ticket: Ticket) -> set[str]:
    """The actions the agent ticket page has a control for."""
    found = set(re.findall(r'name="action" value="(\w+)"', html))
    if f'action="{reverse("tickets:take", args=[ticket.pk])}"' in html:
        found.add("take")
    if f'action="{reverse("tickets:respond", args=[ticket.pk])}"' in html:
        found |= {"agent_reply", "note"}
    if f'action="{reverse("tickets:properties", args=[ticket.pk])}"' in html:
        found.add("edit")
    if 'data-dialog="close-dialog"' in html:
        found.add("close")
    if 'data-reveal="reopen"' in html:
        found.add("follow_up" if "Open a follow-up" in html else "reopen")
    return found


def customer_page_offers(html: str, ticket: Ticket) -> set[str]:
    found = set()
    if f'action="{reverse("tickets:reply", args=[ticket.pk])}"' in html:
        found.add("customer_reply")
    if 'data-dialog="close-dialog"' in html:
        found.add("close")
    if 'data-reveal="reopen"' in html:
        found.add("follow_up" if "Write a follow-up" in html else "reopen")
    return found


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ["holder", "other_agent"])
def test_the_agent_page_shows_exactly_the_offered_buttons(
    role, status, ticket_in, login, alice, agent, agent2
):
    ticket = ticket_in(status, alice)
    user = persona(role, agent=agent, agent2=agent2, alice=alice)

    html = login(user).get(ticket.get_absolute_url()).content.decode()

    assert agent_page_offers(html, ticket) == set(EXPECTED[(role, status)].split())


def test_the_agent_page_offers_a_follow_up_under_that_policy(ticket_in, login, carol, agent):
    ticket = ticket_in(Status.CLOSED, carol)

    html = login(agent).get(ticket.get_absolute_url()).content.decode()

    assert agent_page_offers(html, ticket) == {"follow_up"}


@pytest.mark.parametrize("status", STATUSES)
def test_the_customer_page_shows_exactly_the_offered_buttons(status, ticket_in, login, alice):
    ticket = ticket_in(status, alice)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert customer_page_offers(html, ticket) == set(EXPECTED[("customer", status)].split())


def test_the_customer_page_offers_a_follow_up_under_that_policy(ticket_in, login, carol):
    ticket = ticket_in(Status.CLOSED, carol)

    html = login(carol).get(ticket.get_absolute_url()).content.decode()

    assert customer_page_offers(html, ticket) == {"follow_up"}


# --- The API says the same ---------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ["holder", "other_agent", "customer"])
def test_a_ticket_in_the_api_lists_the_offered_actions(
    role, status, ticket_in, api, alice, agent, agent2
):
    ticket = ticket_in(status, alice)
    user = persona(role, agent=agent, agent2=agent2, alice=alice)

    body = api(user).get(f"/api/v1/tickets/{ticket.pk}/").json()

    assert body["actions"] == EXPECTED[(role, status)].split()


def test_every_answer_with_one_ticket_carries_the_actions_after_the_act(api, ticket_in, alice):
    ticket = ticket_in(Status.IN_PROGRESS, alice)

    closed = api(alice).post(f"/api/v1/tickets/{ticket.pk}/close/").json()

    assert (closed["status"], closed["actions"]) == ("closed", ["reopen"])


def test_lists_leave_the_actions_out(api, ticket_in, alice):
    ticket_in(Status.OPEN, alice)

    row = api(alice).get("/api/v1/tickets/").json()["results"][0]

    assert "actions" not in row


def test_the_schema_documents_the_actions_of_a_ticket(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    detail = schema["components"]["schemas"]["TicketDetail"]
    actions = detail["properties"]["actions"]
    assert actions["type"] == "array"
    assert "actions" in detail["required"]
    assert actions["readOnly"] is True
    enum = actions["items"]
    if "$ref" in enum:
        enum = schema["components"]["schemas"][enum["$ref"].rsplit("/", 1)[1]]
    assert enum["enum"] == [action.value for action in Action]
    assert "actions" not in schema["components"]["schemas"]["Ticket"]["properties"]
    retrieve = schema["paths"]["/api/v1/tickets/{number}/"]["get"]["responses"]["200"]
    assert retrieve["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TicketDetail"
    }


def test_once_an_agent_takes_a_ticket_take_is_no_longer_offered_to_them(
    api, ticket_in, alice, agent
):
    ticket = ticket_in(Status.OPEN, alice)
    client = api(agent)
    assert "take" in client.get(f"/api/v1/tickets/{ticket.pk}/").json()["actions"]

    taken = client.post(f"/api/v1/tickets/{ticket.pk}/take/").json()

    assert taken["actions"] == EXPECTED[("holder", Status.IN_PROGRESS)].split()
