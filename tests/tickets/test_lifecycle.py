"""Every row of DESIGN.md's lifecycle table, allowed and refused, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.helpers import bring_to
from tickets import services
from tickets.models import Message, Priority, Status, Ticket, TicketEvent
from tickets.workflow import Action, TransitionError

ACTIVE = [Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.SOLVED]


def status_events(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS)
        .order_by("id")
        .values_list("from_value", "to_value")
    )


# --- Opening ----------------------------------------------------------------


def test_a_customer_opens_a_ticket_open(alice, make_ticket):
    ticket = make_ticket(alice)

    assert ticket.status == Status.OPEN
    assert ticket.requester == alice
    assert ticket.organization == alice.organization
    assert ticket.channel == "portal"
    created = TicketEvent.objects.get(ticket=ticket)
    assert (created.kind, created.actor, created.to_value) == ("created", alice, "open")


def test_support_opening_a_ticket_for_a_customer_waits_for_the_customer(
    agent, bob, acme, make_ticket
):
    ticket = make_ticket(agent, organization=acme, requester=bob)

    assert ticket.status == Status.WAITING
    assert ticket.requester == bob
    assert ticket.channel == "agent"


def test_support_cannot_open_a_ticket_for_someone_of_another_organisation(
    agent, acme, carol, make_ticket
):
    with pytest.raises(ValidationError) as refused:
        make_ticket(agent, organization=acme, requester=carol)

    assert "requester" in refused.value.message_dict
    assert Ticket.objects.count() == 0


# --- Taking, assigning, first reply --------------------------------------------


def test_taking_an_open_ticket_puts_it_in_progress(alice, agent, make_ticket):
    ticket = make_ticket(alice)

    services.ticket_take(ticket=ticket, agent=agent)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, agent)
    assert status_events(ticket) == [("open", "in_progress")]


def test_assigning_to_another_agent_puts_an_open_ticket_in_progress(
    alice, agent, agent2, make_ticket
):
    ticket = make_ticket(alice)

    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent2)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, agent2)


def test_assigning_a_waiting_ticket_keeps_its_status(alice, agent, agent2, make_ticket):
    ticket = bring_to(make_ticket(alice), Status.WAITING, agent=agent, customer=alice)

    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent2)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.WAITING, agent2)


def test_the_first_public_agent_reply_puts_an_open_ticket_in_progress(alice, agent, make_ticket):
    ticket = make_ticket(alice)

    services.ticket_reply(ticket=ticket, author=agent, body="Looking into it.")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert status_events(ticket) == [("open", "in_progress")]


def test_an_internal_note_leaves_the_status_and_the_update_time_alone(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    before = Ticket.objects.get(pk=ticket.pk).updated_at

    services.ticket_reply(ticket=ticket, author=agent, body="Upstream issue?", internal=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.updated_at == before
    assert status_events(ticket) == []


# --- Waiting for customer -----------------------------------------------------


@pytest.mark.parametrize("start", [Status.OPEN, Status.IN_PROGRESS, Status.SOLVED])
def test_support_can_ask_the_customer_from_any_active_status(start, alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), start, agent=agent, customer=alice)

    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.WAIT)

    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert ticket.solved_at is None


@pytest.mark.parametrize("submit_as", [Status.IN_PROGRESS, Status.WAITING, Status.SOLVED])
def test_an_agent_reply_ends_in_the_status_it_is_submitted_as(submit_as, alice, agent, make_ticket):
    ticket = make_ticket(alice)

    services.ticket_reply(ticket=ticket, author=agent, body="Done?", submit_as=submit_as)

    ticket.refresh_from_db()
    assert ticket.status == submit_as


def test_a_customer_reply_to_a_waiting_assigned_ticket_puts_it_back_in_progress(
    alice, agent, make_ticket
):
    ticket = bring_to(make_ticket(alice), Status.WAITING, agent=agent, customer=alice)

    services.ticket_reply(ticket=ticket, author=alice, body="Here are the logs.")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert status_events(ticket)[-1] == ("waiting_for_customer", "in_progress")


def test_a_customer_reply_to_a_waiting_unassigned_ticket_returns_it_to_the_queue(
    agent, bob, acme, make_ticket
):
    ticket = make_ticket(agent, organization=acme, requester=bob)  # Waiting, nobody assigned

    services.ticket_reply(ticket=ticket, author=bob, body="Thanks, here is what you asked.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


@pytest.mark.parametrize("start", [Status.OPEN, Status.IN_PROGRESS])
def test_a_customer_reply_to_an_open_or_in_progress_ticket_keeps_the_status(
    start, alice, agent, make_ticket
):
    ticket = bring_to(make_ticket(alice), start, agent=agent, customer=alice)

    services.ticket_reply(ticket=ticket, author=alice, body="Any news?")

    ticket.refresh_from_db()
    assert ticket.status == start


# --- Solving and the automatic close --------------------------------------------


@pytest.mark.parametrize("start", [Status.OPEN, Status.IN_PROGRESS, Status.WAITING])
def test_support_marks_any_active_ticket_solved(start, alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), start, agent=agent, customer=alice)

    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.solved_at is not None


def test_a_customer_reply_to_a_solved_ticket_sends_it_back_to_the_queue(alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), Status.SOLVED, agent=agent, customer=alice)

    services.ticket_reply(ticket=ticket, author=alice, body="It broke again.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None


def test_a_solved_ticket_closes_automatically_after_72_hours(alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), Status.SOLVED, agent=agent, customer=alice)
    later = ticket.solved_at + timedelta(hours=72, seconds=1)

    closed = services.tickets_auto_close_due(now=later)

    ticket.refresh_from_db()
    assert closed == 1
    assert (ticket.status, ticket.closed_at) == (Status.CLOSED, later)
    last = TicketEvent.objects.filter(ticket=ticket).last()
    assert (last.actor, last.from_value, last.to_value) == (None, "solved", "closed")


def test_a_solved_ticket_does_not_close_before_72_hours(alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), Status.SOLVED, agent=agent, customer=alice)
    early = ticket.solved_at + timedelta(hours=71, minutes=59)

    assert services.tickets_auto_close_due(now=early) == 0

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_the_automatic_close_skips_a_ticket_the_customer_reopened_meanwhile(
    alice, agent, make_ticket
):
    ticket = bring_to(make_ticket(alice), Status.SOLVED, agent=agent, customer=alice)
    services.ticket_reply(ticket=ticket, author=alice, body="Not fixed after all.")

    assert services.tickets_auto_close_due(now=timezone.now() + timedelta(days=9)) == 0

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_people_cannot_use_the_automatic_close(alice, agent, make_ticket):
    from django.db import transaction

    from tickets import workflow
    from tickets.locks import lock_ticket

    ticket = bring_to(make_ticket(alice), Status.SOLVED, agent=agent, customer=alice)
    with pytest.raises(TransitionError), transaction.atomic():
        workflow.apply(lock_ticket(ticket.pk), Action.AUTO_CLOSE, actor=agent)


# --- Closing ---------------------------------------------------------------------


@pytest.mark.parametrize("start", ACTIVE)
@pytest.mark.parametrize("closer", ["alice", "bob", "agent"])
def test_anyone_closes_any_active_ticket(start, closer, request, alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), start, agent=agent, customer=alice)
    actor = request.getfixturevalue(closer)

    services.ticket_close(ticket=ticket, actor=actor)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None
    assert status_events(ticket)[-1] == (start, "closed")


# --- Reopening and follow-ups ------------------------------------------------------


def test_replying_to_a_closed_ticket_reopens_it_under_the_reopen_policy(
    alice, bob, agent, make_ticket
):
    ticket = bring_to(make_ticket(alice), Status.CLOSED, agent=agent, customer=alice)

    reply = services.ticket_reopen(ticket=ticket, actor=bob, body="Happening again since noon.")

    ticket.refresh_from_db()
    assert (reply.ticket.pk, reply.reopened) == (ticket.pk, True)
    assert (ticket.status, ticket.closed_at) == (Status.OPEN, None)
    assert Message.objects.get(ticket=ticket).body == "Happening again since noon."
    assert status_events(ticket)[-1] == ("closed", "open")


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_reopening_needs_a_message(body, alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), Status.CLOSED, agent=agent, customer=alice)

    with pytest.raises(ValidationError) as refused:
        services.ticket_reopen(ticket=ticket, actor=alice, body=body)

    assert "body" in refused.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_replying_to_a_closed_ticket_opens_a_follow_up_under_the_follow_up_policy(
    carol, agent, make_ticket
):
    ticket = make_ticket(carol, subject="VPN drops", priority=Priority.URGENT)
    ticket = bring_to(ticket, Status.CLOSED, agent=agent, customer=carol)

    reply = services.ticket_reopen(ticket=ticket, actor=carol, body="It drops again.")
    follow_up = reply.ticket

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert follow_up.pk != ticket.pk
    assert (reply.followed_up, reply.message) == (True, None)
    assert follow_up.follow_up_of == ticket
    assert (follow_up.status, follow_up.priority) == (Status.OPEN, Priority.NORMAL)
    assert follow_up.subject == "Follow-up: VPN drops"
    assert follow_up.description == "It drops again."
    assert follow_up.organization == ticket.organization
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.to_value) == ("follow_up", str(follow_up.pk))


@pytest.mark.parametrize("start", ACTIVE)
def test_an_active_ticket_cannot_be_reopened(start, alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), start, agent=agent, customer=alice)

    with pytest.raises(TransitionError):
        services.ticket_reopen(ticket=ticket, actor=alice, body="Reopen please")

    ticket.refresh_from_db()
    assert ticket.status == start


# --- Refusals: closed tickets take no message, customers have no support buttons ---


@pytest.mark.parametrize(
    ("author", "internal"), [("alice", False), ("agent", False), ("agent", True)]
)
def test_no_message_can_be_added_to_a_closed_ticket(
    author, internal, request, alice, agent, make_ticket
):
    ticket = bring_to(make_ticket(alice), Status.CLOSED, agent=agent, customer=alice)

    with pytest.raises(TransitionError, match="closed"):
        services.ticket_reply(
            ticket=ticket, author=request.getfixturevalue(author), body="Hello?", internal=internal
        )

    assert Message.objects.filter(ticket=ticket).count() == 0


@pytest.mark.parametrize("action", [Action.WAIT, Action.SOLVE, Action.RESUME, Action.CLOSE])
def test_status_buttons_refuse_a_closed_ticket(action, alice, agent, make_ticket):
    ticket = bring_to(make_ticket(alice), Status.CLOSED, agent=agent, customer=alice)

    with pytest.raises(TransitionError):
        services.ticket_change_status(ticket=ticket, actor=agent, action=action)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


@pytest.mark.parametrize("action", [Action.WAIT, Action.SOLVE, Action.RESUME])
def test_customers_cannot_use_support_status_buttons(action, alice, make_ticket):
    ticket = make_ticket(alice)

    with pytest.raises(TransitionError, match="Only support"):
        services.ticket_change_status(ticket=ticket, actor=alice, action=action)

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_customers_cannot_take_tickets_nor_write_internal_notes(alice, make_ticket):
    ticket = make_ticket(alice)

    with pytest.raises(ValidationError):
        services.ticket_take(ticket=ticket, agent=alice)
    with pytest.raises(TransitionError):
        services.ticket_reply(ticket=ticket, author=alice, body="psst", internal=True)
    with pytest.raises(TransitionError):
        services.ticket_reply(ticket=ticket, author=alice, body="done", submit_as=Status.SOLVED)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, None)
    assert Message.objects.count() == 0


def test_a_customer_of_another_organisation_cannot_act_even_through_the_service(
    alice, carol, make_ticket
):
    ticket = make_ticket(alice)

    with pytest.raises(TransitionError):
        services.ticket_close(ticket=ticket, actor=carol)
    with pytest.raises(TransitionError):
        services.ticket_reply(ticket=ticket, author=carol, body="hi")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert Message.objects.count() == 0
