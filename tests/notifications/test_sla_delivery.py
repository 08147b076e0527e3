"""Service-level alerts with real parts (issue 17): beat runs the sweep in a
real worker, which writes the events, their notifications and the emails
through a real SMTP server. A ticket due in seconds gets exactly one warning
and one breach, each emailed once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notifications.models import Kind, Notification
from tests.tickets.sla_helpers import age, around_the_clock, set_targets
from tests.workers import Worker, broker_purge, settle, wait_for, worker_env
from tickets import services
from tickets.models import Priority, TicketEvent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_warns_once_and_records_one_breach_for_a_ticket_about_to_be_late(
    smtp, settings, alice, agent, support_admin, make_ticket, tmp_path
):
    around_the_clock()
    set_targets("enterprise", Priority.URGENT, first_response=1)
    ticket = make_ticket(alice, "Checkout fails", priority=Priority.URGENT)
    services.ticket_take(ticket=ticket, agent=agent)
    age(ticket, timedelta(seconds=50))  # the first reply is due in about 10 seconds
    TicketEvent.objects.update(notified_at=ticket.created_at)  # setting the scene tells nobody
    broker_purge()
    env = worker_env(smtp.port)
    env["HELPDESK_SLA_ALERTS_EVERY_SECONDS"] = "1"
    worker = Worker(env, beat_schedule=str(tmp_path / "beat-schedule"))
    worker.start()
    try:
        wait_for(
            lambda: Notification.objects.filter(kind=Kind.SLA_BREACHED).count() == 2,
            timeout=60,
            what="the breach notifications",
        )
        wait_for(lambda: len(smtp.accepted) >= 3, timeout=30, what="three emails")
        settle(3)  # several more sweeps run: nothing may be added
    finally:
        worker.stop()

    events = TicketEvent.objects.filter(ticket=ticket)
    assert events.filter(kind=TicketEvent.Kind.SLA_WARNING).count() == 1
    assert events.filter(kind=TicketEvent.Kind.SLA_BREACHED).count() == 1
    assert sorted(smtp.recipients()) == sorted(
        [agent.email, agent.email, support_admin.email]  # warned, then told of the breach
    )
    assert len(set(smtp.message_ids())) == 3
