"""Service levels through the services (issue 17): clocks follow the
lifecycle's events, priority and contract changes replay the history, and
the default matrix applies by tier."""

from datetime import timedelta

import pytest

from tests.tickets.sla_helpers import age, around_the_clock
from tickets import services
from tickets.models import Priority, SlaClock, SlaPolicy, Ticket
from tickets.sla.refresh import sla_refresh_active

pytestmark = pytest.mark.django_db

MIN = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _calendar_time(db):
    around_the_clock()


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def clocks(ticket: Ticket) -> dict[tuple[str, int], SlaClock]:
    return {(c.kind, c.seq): c for c in SlaClock.objects.filter(ticket=ticket)}


def test_a_customers_new_ticket_owes_a_first_response_and_a_resolution(alice, make_ticket):
    # Acme is enterprise: normal priority owes a reply in 4 hours, a fix in 48.
    ticket = fresh(make_ticket(alice))

    assert ticket.first_response_due == ticket.created_at + 240 * MIN
    assert ticket.resolution_due == ticket.created_at + 2880 * MIN
    assert ticket.next_response_due is None
    assert ticket.sla_due == ticket.first_response_due


def test_the_first_public_reply_meets_the_first_response_and_a_note_does_not(
    alice, agent, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="Looking.", internal=True)
    assert fresh(ticket).first_response_due is not None

    reply = services.ticket_reply(ticket=ticket, author=agent, body="On it.")

    ticket = fresh(ticket)
    assert ticket.first_response_due is None
    first = clocks(ticket)[("first_response", 0)]
    assert first.met_at == reply.message.created_at
    assert first.is_met
    assert ticket.sla_due == ticket.resolution_due


def test_a_customer_message_after_an_answer_owes_a_next_response(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="Try a restart.")
    answer = services.ticket_reply(ticket=ticket, author=alice, body="Still down.")

    ticket = fresh(ticket)
    assert ticket.next_response_due == answer.message.created_at + 480 * MIN
    assert ticket.sla_due == ticket.next_response_due  # sooner than the resolution

    services.ticket_reply(ticket=ticket, author=agent, body="Replacing the disk.")
    assert fresh(ticket).next_response_due is None


def test_waiting_for_the_customer_pauses_the_resolution_and_their_answer_resumes_it(
    alice, agent, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_reply(
        ticket=ticket, author=agent, body="Which server?", submit_as="waiting_for_customer"
    )
    assert fresh(ticket).resolution_due is None  # paused
    assert fresh(ticket).sla_due is None

    services.ticket_reply(ticket=ticket, author=alice, body="web-1")

    ticket = fresh(ticket)
    assert ticket.status == "open"
    assert ticket.resolution_due is not None
    assert ticket.next_response_due is not None


def test_solving_meets_the_targets_and_nothing_is_due(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="Fixed.", submit_as="solved")

    ticket = fresh(ticket)
    assert (ticket.first_response_due, ticket.resolution_due, ticket.sla_due) == (None,) * 3
    assert all(clock.is_met for clock in clocks(ticket).values())


def test_a_ticket_support_opens_for_a_customer_owes_no_first_response(
    agent, alice, acme, make_ticket
):
    ticket = fresh(make_ticket(agent, organization=acme, requester=alice))

    assert ticket.status == "waiting_for_customer"
    assert ticket.first_response_due is None
    assert ("first_response", 0) not in clocks(ticket)


def test_raising_the_priority_counts_from_the_opening_not_from_the_change(
    alice, agent, make_ticket
):
    ticket = age(make_ticket(alice), timedelta(minutes=20))

    services.ticket_set_priority(ticket=ticket, actor=agent, priority=Priority.URGENT)

    # Enterprise urgent: 30 minutes from the opening 20 minutes ago, so 10 from now.
    ticket = fresh(ticket)
    assert ticket.first_response_due == ticket.created_at + 30 * MIN


def test_an_organisations_contract_wins_over_its_tier(alice, acme, make_ticket):
    contract = SlaPolicy.objects.create(
        name="Acme contract", organization=acme, calendar=SlaPolicy.objects.first().calendar
    )
    contract.targets.create(priority=Priority.NORMAL, first_response=15, resolution=None)

    ticket = fresh(make_ticket(alice))

    assert ticket.first_response_due == ticket.created_at + 15 * MIN
    assert ticket.resolution_due is None  # the contract promises none


def test_a_tier_change_replays_the_active_tickets_of_that_organisation(
    alice, carol, acme, make_ticket
):
    ticket = make_ticket(alice)
    others = make_ticket(carol)
    before = fresh(others).first_response_due
    acme.support_tier = "standard"
    acme.save()

    assert sla_refresh_active(organization_id=acme.pk) == 1

    # Standard, normal: 8 hours to the first reply instead of enterprise's 4.
    assert fresh(ticket).first_response_due == fresh(ticket).created_at + 480 * MIN
    assert fresh(others).first_response_due == before


def test_no_policy_no_clocks(alice, make_ticket):
    SlaPolicy.objects.all().delete()

    ticket = fresh(make_ticket(alice))

    assert ticket.sla_due is None
    assert not SlaClock.objects.filter(ticket=ticket).exists()
