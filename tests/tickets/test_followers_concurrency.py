"""Followers added at once on PostgreSQL (issue 18): the ticket row is locked
first, so twenty people adding the same colleague make one row, and twenty
adding twenty-one different people never pass the cap."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.concurrency import run_together
from tests.helpers import PASSWORD
from tickets import services
from tickets.models import FOLLOWERS_PER_TICKET, TicketEvent, TicketFollower

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def member(organization, n: int) -> User:
    return User.objects.create_user(
        f"p{n}@acme.example",
        PASSWORD,
        full_name=f"Person {n}",
        role="member",
        organization=organization,
    )


def test_twenty_adding_one_colleague_at_once_make_one_row_and_one_event(bob, acme, make_ticket):
    ticket = make_ticket(bob, "Printer on fire")
    dave = member(acme, 0)
    actors = [member(acme, n) for n in range(1, 21)]

    results = run_together(
        *[
            (lambda actor=actor: services.ticket_follow(actor=actor, ticket=ticket, user=dave))
            for actor in actors
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r is not None for r in results) == 1
    assert TicketFollower.objects.filter(ticket=ticket).count() == 1
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.FOLLOWERS).count() == 1


def test_twenty_one_added_at_once_stop_at_the_cap(bob, agent, acme, make_ticket):
    ticket = make_ticket(bob, "Printer on fire")
    people = [member(acme, n) for n in range(FOLLOWERS_PER_TICKET + 1)]
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)  # one place taken

    results = run_together(
        *[
            (lambda person=person: services.ticket_follow(actor=bob, ticket=ticket, user=person))
            for person in people[:20]
        ]
    )

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert TicketFollower.objects.filter(ticket=ticket).count() == FOLLOWERS_PER_TICKET
    assert (
        TicketEvent.objects.filter(kind=TicketEvent.Kind.FOLLOWERS).count() == FOLLOWERS_PER_TICKET
    )
