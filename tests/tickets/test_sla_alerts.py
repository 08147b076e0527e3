"""Warnings before a target falls due and breaches after (issue 17): each
once per target, recorded as internal ticket events, heard by the right
people through the notifications outbox, never by customers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.emails import build_email
from notifications.models import Notification
from notifications.services import notifications_for_event
from tests.concurrency import run_together
from tests.tickets.sla_helpers import age, around_the_clock
from tickets import services
from tickets.models import Priority, SlaClock, TicketEvent
from tickets.sla.alerts import sla_alerts_due

Kind = TicketEvent.Kind


@pytest.fixture
def urgent(db, alice, make_ticket):
    """Acme (enterprise) urgent: the first reply is due 30 minutes after opening."""
    around_the_clock()
    return make_ticket(alice, "Site down", priority=Priority.URGENT)


def sla_events(ticket, kind=None):
    events = TicketEvent.objects.filter(
        ticket=ticket, kind__in=[Kind.SLA_WARNING, Kind.SLA_BREACHED]
    )
    return list(events.filter(kind=kind) if kind else events)


def notify(event) -> list[Notification]:
    notifications_for_event(event_id=event.pk)
    return list(Notification.objects.filter(event=event).select_related("recipient"))


@pytest.mark.django_db
def test_a_target_due_within_the_lead_time_warns_the_assignee_once(urgent, agent, agent2):
    services.ticket_take(ticket=urgent, agent=agent)
    age(urgent, timedelta(minutes=10))  # due in 20 minutes; the lead time is 30

    assert sla_alerts_due() == (1, 0)
    assert sla_alerts_due() == (0, 0)

    (warning,) = sla_events(urgent)
    assert (warning.kind, warning.from_value, warning.is_internal) == (
        Kind.SLA_WARNING,
        "first_response",
        True,
    )
    assert [n.recipient for n in notify(warning)] == [agent]


@pytest.mark.django_db
def test_an_unassigned_tickets_warning_goes_to_every_agent(urgent, agent, agent2):
    age(urgent, timedelta(minutes=10))
    sla_alerts_due()

    (warning,) = sla_events(urgent)
    assert {n.recipient for n in notify(warning)} == {agent, agent2}


@pytest.mark.django_db
def test_a_missed_target_is_recorded_once_and_told_to_the_support_admins(
    urgent, agent, support_admin, alice
):
    services.ticket_take(ticket=urgent, agent=agent)
    age(urgent, timedelta(minutes=45))  # overdue by 15 minutes

    assert sla_alerts_due() == (0, 1)  # too late to warn: the breach says it
    assert sla_alerts_due() == (0, 0)

    (breach,) = sla_events(urgent)
    assert breach.kind == Kind.SLA_BREACHED
    told = notify(breach)
    assert {n.recipient for n in told} == {support_admin, agent}
    email = build_email(next(n for n in told if n.recipient == support_admin))
    assert "missed its first response target" in email.body
    assert SlaClock.objects.get(ticket=urgent, kind="first_response").breached_at is not None


@pytest.mark.django_db
def test_a_reply_after_the_due_time_is_a_breach_all_the_same(urgent, agent):
    age(urgent, timedelta(minutes=45))
    services.ticket_reply(ticket=urgent, author=agent, body="Sorry for the wait.")

    assert sla_alerts_due() == (0, 1)
    assert sla_events(urgent, Kind.SLA_BREACHED)


@pytest.mark.django_db
def test_a_target_met_in_time_raises_nothing(urgent, agent):
    age(urgent, timedelta(minutes=10))
    services.ticket_reply(ticket=urgent, author=agent, body="On it.", submit_as="solved")

    assert sla_alerts_due(now=timezone.now() + timedelta(days=30)) == (0, 0)
    assert sla_events(urgent) == []


@pytest.mark.django_db
def test_customers_never_see_the_alerts(urgent, alice, agent, login):
    age(urgent, timedelta(minutes=45))
    sla_alerts_due()
    (breach,) = sla_events(urgent)

    assert all(n.recipient.is_support_staff for n in notify(breach))
    # Support's history shows it; the customer's does not.
    assert (
        "recorded a missed target" in login(agent).get(urgent.get_absolute_url()).content.decode()
    )
    page = login(alice).get(urgent.get_absolute_url()).content.decode()
    assert "missed target" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_sweeps_at_once_record_each_alert_once(urgent, alice, make_ticket):
    late = age(make_ticket(alice, "Also down", priority=Priority.URGENT), timedelta(minutes=45))
    age(urgent, timedelta(minutes=10))

    results = run_together(*[sla_alerts_due] * 20)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(warned for warned, _ in results) == 1
    assert sum(breached for _, breached in results) == 1
    assert len(sla_events(urgent, Kind.SLA_WARNING)) == 1
    assert len(sla_events(late, Kind.SLA_BREACHED)) == 1
