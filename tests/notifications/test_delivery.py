"""Delivery that loses nothing and doubles nothing, with real parts.

A real Celery worker process consumes from the configured broker (the
filesystem transport by default, Redis when CELERY_BROKER_URL says so) and
sends through a real SMTP server listening on loopback (aiosmtpd). The test
process plays the web server: it commits replies and runs the sweeper.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from celery import Celery, current_app

from notifications import services as notify
from notifications.models import EmailState, Notification
from tests.workers import settle, wait_for
from tickets import services
from tickets.models import TicketEvent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@contextmanager
def broker_unreachable():
    """The broker is down for this process (as when Redis is away): while it
    lasts, the current Celery app is one whose broker nobody listens on."""
    real = current_app._get_current_object()
    down = Celery("broker-down", set_as_current=False)
    # broker_url alone would lose to the CELERY_BROKER_URL environment variable.
    down.conf.broker_url = down.conf.broker_write_url = "redis://127.0.0.1:1/0"
    down.conf.broker_connection_timeout = 1
    down.conf.task_publish_retry_policy = {"max_retries": 0}
    down.set_current()
    try:
        yield
    finally:
        real.set_current()
        down.close()


@pytest.fixture
def carols_ticket(carol, agent, make_ticket):
    """A ticket of Globex, where Carol is the only person to tell."""
    ticket = make_ticket(carol, subject="Mail server down")
    TicketEvent.objects.update(notified_at=ticket.created_at)  # setting the scene tells nobody
    return ticket


def test_a_reply_while_the_broker_is_down_is_saved_and_emailed_once_when_it_is_back(
    worker, smtp, carols_ticket, agent
):
    with broker_unreachable():
        reply = services.ticket_reply(ticket=carols_ticket, author=agent, body="We are on it.")
    assert reply.message.pk  # the reply is saved
    event = TicketEvent.objects.get(kind="replied")
    settle(3)
    assert smtp.accepted == []
    assert TicketEvent.objects.get(pk=event.pk).notified_at is None  # waiting in the outbox

    # The broker is back and the sweeper runs: the reply and its move to In progress.
    assert notify.notifications_sweep() == (2, 0)
    wait_for(lambda: smtp.accepted, what="the email")
    settle()

    assert smtp.recipients() == ["carol@globex.example"]
    assert b"We are on it." in smtp.accepted[0][1]
    assert Notification.objects.get().email_state == EmailState.SENT


def test_an_smtp_server_that_refuses_twice_gets_the_email_once(worker, smtp, carols_ticket, agent):
    smtp.refuse_next = 2

    services.ticket_reply(ticket=carols_ticket, author=agent, body="Try again later?")
    wait_for(lambda: smtp.accepted, timeout=40, what="the third attempt")
    settle()

    assert smtp.recipients() == ["carol@globex.example"]
    notification = Notification.objects.get()
    assert (notification.email_state, notification.email_attempts) == (EmailState.SENT, 3)


def test_the_same_send_task_delivered_twice_emails_once(worker, smtp, carols_ticket, agent):
    services.ticket_reply(ticket=carols_ticket, author=agent, body="Once only")
    wait_for(lambda: Notification.objects.exists(), what="the notification row")
    notification = Notification.objects.get()

    for _ in range(2):  # a broker redelivery, a sweeper racing the normal path
        current_app.send_task(notify.SEND_EMAIL_TASK, args=[notification.pk])
        current_app.send_task(notify.PROCESS_EVENT_TASK, args=[notification.event_id])
    wait_for(lambda: smtp.accepted, what="the email")
    settle(3)

    assert smtp.recipients() == ["carol@globex.example"]
    assert Notification.objects.count() == 1


def test_a_worker_killed_mid_send_loses_nothing_and_sends_at_most_once(
    worker, smtp, carols_ticket, agent
):
    smtp.stall.set()
    services.ticket_reply(ticket=carols_ticket, author=agent, body="Survive the crash")
    assert smtp.stalled.wait(30), worker.log()

    worker.kill()  # in the middle of the SMTP conversation
    smtp.release.set()
    smtp.stall.clear()
    settle(1)
    assert smtp.accepted == []
    assert Notification.objects.get().email_state == EmailState.SENDING

    worker.start()  # a new worker, and the sweeper once the claim's lease is over
    time.sleep(3.5)
    notify.notifications_sweep()
    wait_for(lambda: smtp.accepted, what="the resent email")
    settle()

    assert smtp.recipients() == ["carol@globex.example"]
    assert Notification.objects.get().email_state == EmailState.SENT
