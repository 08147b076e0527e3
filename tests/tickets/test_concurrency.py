"""Races end in one consistent state with every act in the history.

These run really concurrently on PostgreSQL: each thread has its own
connection and transaction, and the row locks decide the order.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.concurrency import run_together
from tickets import services
from tickets.counters import counts_by_state
from tickets.locks import lock_ticket
from tickets.models import Message, Status, Ticket, TicketEvent
from tickets.workflow import Action, TransitionError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def assert_history_is_one_chain(ticket: Ticket) -> None:
    """Every status event starts where the previous one ended, and ends where the ticket is."""
    ticket.refresh_from_db()
    moves = list(
        TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS)
        .order_by("id")
        .values_list("from_value", "to_value")
    )
    current = Status.OPEN
    for from_value, to_value in moves:
        assert from_value == current, moves
        current = to_value
    assert ticket.status == current


def assert_counters_match_the_table() -> None:
    counts = counts_by_state()
    for (status, assigned), count in counts.items():
        real = Ticket.objects.filter(status=status, assignee__isnull=not assigned).count()
        assert count == real, (status, assigned)


def overdue_solved(make_ticket, customer, agent) -> Ticket:
    ticket = make_ticket(customer)
    services.ticket_take(ticket=ticket, agent=agent)
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(hours=80))
    return ticket


@pytest.mark.parametrize("attempt", range(8))
def test_a_customer_reply_racing_the_auto_close_keeps_both_acts(attempt, alice, agent, make_ticket):
    ticket = overdue_solved(make_ticket, alice, agent)

    reply, closed = run_together(
        lambda: services.ticket_reply(
            ticket=ticket, author=alice, body="Wait, it broke again", reopen_closed=True
        ),
        lambda: services.tickets_auto_close_due(),
    )

    assert not isinstance(reply, Exception), reply
    assert not isinstance(closed, Exception), closed
    ticket.refresh_from_db()
    # Whichever came first, the customer's message is there once and the ticket
    # is back in the queue (reopen policy); a close that happened is recorded.
    assert Message.objects.filter(ticket=ticket, body="Wait, it broke again").count() == 1
    assert ticket.status == Status.OPEN
    closes = TicketEvent.objects.filter(ticket=ticket, to_value=Status.CLOSED, actor=None).count()
    assert closes == closed
    assert_history_is_one_chain(ticket)
    assert_counters_match_the_table()


def test_the_auto_close_skips_a_ticket_a_customer_is_replying_to_and_it_stays_open(
    alice, agent, make_ticket
):
    ticket = overdue_solved(make_ticket, alice, agent)
    replying = threading.Event()
    finish = threading.Event()

    def customer_reply():
        with transaction.atomic():
            lock_ticket(ticket.pk)  # the reply's transaction holds the ticket...
            replying.set()
            finish.wait(10)
            return services.ticket_reply(ticket=ticket, author=alice, body="Not solved")

    def auto_close():
        replying.wait(10)
        closed = services.tickets_auto_close_due()  # ...so the job skips it, not waits
        finish.set()
        return closed

    reply, closed = run_together(customer_reply, auto_close)

    assert closed == 0
    assert reply.ticket.status == Status.OPEN
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert services.tickets_auto_close_due() == 0  # no longer due at all
    assert_history_is_one_chain(ticket)


def test_a_customer_reply_waits_for_a_running_close_and_then_reopens(alice, agent, make_ticket):
    ticket = overdue_solved(make_ticket, alice, agent)
    closing = threading.Event()

    def auto_close():
        with transaction.atomic():
            locked = lock_ticket(ticket.pk)
            closing.set()
            time.sleep(0.5)  # the reply below blocks on the row lock meanwhile
            from tickets import workflow

            workflow.apply(locked, Action.AUTO_CLOSE, actor=None)
        return True

    def customer_reply():
        closing.wait(10)
        return services.ticket_reply(
            ticket=ticket, author=alice, body="Please look again", reopen_closed=True
        )

    closed, reply = run_together(auto_close, customer_reply)

    assert closed is True
    assert reply.reopened is True
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    moves = list(
        TicketEvent.objects.filter(ticket=ticket, kind="status")
        .order_by("id")
        .values_list("from_value", "to_value")
    )
    assert moves[-2:] == [("solved", "closed"), ("closed", "open")]
    assert_history_is_one_chain(ticket)


@pytest.mark.parametrize("attempt", range(5))
def test_two_agents_taking_one_ticket_at_once_leave_one_assignee_and_one_refusal(
    attempt, alice, agent, agent2, make_ticket
):
    ticket = make_ticket(alice)

    results = run_together(
        lambda: services.ticket_take(ticket=ticket, agent=agent),
        lambda: services.ticket_take(ticket=ticket, agent=agent2),
    )

    ticket.refresh_from_db()
    refused = [r for r in results if isinstance(r, TransitionError)]
    assert len(refused) == 1  # the second saw the first's result and did not take over
    assert ticket.assignee.full_name in str(refused[0])
    assigned = list(
        TicketEvent.objects.filter(ticket=ticket, kind="assigned").values_list(
            "from_value", "to_value"
        )
    )
    assert assigned == [("", ticket.assignee.full_name)]
    assert ticket.status == Status.IN_PROGRESS
    assert_history_is_one_chain(ticket)


@pytest.mark.parametrize("attempt", range(5))
def test_two_agents_changing_status_at_once_end_in_the_last_ones_status(
    attempt, alice, agent, agent2, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_take(ticket=ticket, agent=agent)

    results = run_together(
        lambda: services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE),
        lambda: services.ticket_change_status(ticket=ticket, actor=agent2, action=Action.WAIT),
        lambda: services.ticket_reply(ticket=ticket, author=agent2, body="On it"),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert_history_is_one_chain(ticket)
    assert_counters_match_the_table()


@pytest.mark.parametrize("attempt", range(3))
def test_closing_while_an_agent_replies_never_adds_a_message_to_a_closed_ticket(
    attempt, alice, agent, make_ticket
):
    ticket = make_ticket(alice)

    _close, reply = run_together(
        lambda: services.ticket_close(ticket=ticket, actor=alice),
        lambda: services.ticket_reply(ticket=ticket, author=agent, body="Here is the fix"),
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    message = Message.objects.filter(ticket=ticket).first()
    if isinstance(reply, TransitionError):
        assert message is None  # the close came first; the reply was refused
    else:
        close_event = TicketEvent.objects.get(ticket=ticket, to_value="closed")
        assert message.created_at <= close_event.created_at  # the reply came first
    assert_history_is_one_chain(ticket)
