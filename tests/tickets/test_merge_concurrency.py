"""Merges racing each other on PostgreSQL (issue 18): both rows are locked in
primary-key order, so crossed merges never make a cycle and many merges of
one source land exactly once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import run_together
from tickets import services
from tickets.counters import counts_by_state
from tickets.models import Message, Status, Ticket, TicketEvent
from tickets.workflow import TransitionError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def assert_counters_match_the_table() -> None:
    for (status, assigned), count in counts_by_state().items():
        real = Ticket.objects.filter(status=status, assignee__isnull=not assigned).count()
        assert count == real, (status, assigned)


@pytest.mark.parametrize("attempt", range(5))
def test_crossed_merges_at_once_end_in_one_merge_and_one_refusal_never_a_cycle(
    attempt, alice, bob, agent, agent2, make_ticket
):
    a = make_ticket(alice, "Printer on fire")
    b = make_ticket(bob, "Printer smoking")

    results = run_together(
        lambda: services.ticket_merge(ticket=a, into=b.pk, actor=agent),
        lambda: services.ticket_merge(ticket=b, into=a.pk, actor=agent2),
    )

    merged = [r for r in results if isinstance(r, Ticket)]
    refused = [r for r in results if isinstance(r, (TransitionError, ValidationError))]
    assert (len(merged), len(refused)) == (1, 1), results
    a.refresh_from_db()
    b.refresh_from_db()
    pointers = {a.pk: a.merged_into_id, b.pk: b.merged_into_id}
    assert sorted(pointers.values(), key=str) == sorted([None, merged[0].pk], key=str)
    loser = a if a.merged_into_id else b
    winner = b if loser is a else a
    assert (loser.status, winner.status) == (Status.CLOSED, Status.OPEN)
    assert Message.objects.filter(ticket=winner, merged_from=loser).count() == 1
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.MERGED).count() == 2
    assert_counters_match_the_table()


def test_twenty_merges_of_one_source_at_once_land_exactly_one(alice, bob, agent, make_ticket):
    source = make_ticket(bob, "Printer on fire")
    services.ticket_reply(ticket=source, author=agent, body="Unplug it, please.")
    targets = [make_ticket(alice, f"Printer {n}") for n in range(20)]

    results = run_together(
        *[
            (
                lambda target=target: services.ticket_merge(
                    ticket=source, into=target.pk, actor=agent
                )
            )
            for target in targets
        ]
    )

    merged = [r for r in results if isinstance(r, Ticket)]
    refused = [r for r in results if isinstance(r, TransitionError)]
    assert (len(merged), len(refused)) == (1, 19), results
    assert {str(r) for r in refused} == {f"This ticket was already merged into #{merged[0].pk}."}
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == (Status.CLOSED, merged[0].pk)
    # Moved once: the request and the reply, on the one target.
    assert list(Message.objects.filter(merged_from=source).values_list("ticket_id", flat=True)) == [
        merged[0].pk,
        merged[0].pk,
    ]
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.MERGED).count() == 2
    assert (
        TicketEvent.objects.filter(
            ticket=source, kind=TicketEvent.Kind.STATUS, to_value="closed"
        ).count()
        == 1
    )
    assert_counters_match_the_table()


def test_twenty_merges_into_one_target_at_once_all_land(alice, bob, agent, make_ticket):
    target = make_ticket(alice, "Printer on fire")
    sources = [make_ticket(bob, f"Printer {n}") for n in range(20)]

    results = run_together(
        *[
            (
                lambda source=source: services.ticket_merge(
                    ticket=source, into=target.pk, actor=agent
                )
            )
            for source in sources
        ]
    )

    assert all(isinstance(r, Ticket) for r in results), results
    assert Ticket.objects.filter(merged_into=target, status=Status.CLOSED).count() == 20
    assert Message.objects.filter(ticket=target, is_internal=False).count() == 20
    assert_counters_match_the_table()
