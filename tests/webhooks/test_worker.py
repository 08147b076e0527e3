"""Webhooks through a real Celery worker process: after commit, never in the
request, and by the sweepers when the broker was down (issue 21)."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from notifications.services import notifications_sweep
from tests.webhooks.conftest import broker_unreachable
from tests.workers import Worker, broker_purge, settle, wait_for, worker_env
from tickets.models import TicketEvent
from webhooks import signing
from webhooks.models import State, WebhookDelivery
from webhooks.services import hook_create, webhooks_sweep

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(receiver, settings):
    broker_purge()
    settings.HELPDESK_OUTBOX_GRACE_SECONDS = 0
    env = worker_env(1)
    env.update(
        WEBHOOKS_ALLOW_HTTP="1",
        WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
        WEBHOOKS_ALLOWED_PORTS=str(receiver.server.server_address[1]),
    )
    started = Worker(env)
    started.start()
    yield started
    started.stop()


def test_a_ticket_opened_on_the_page_is_delivered_by_the_worker_after_the_answer(
    worker, receiver, login, alice, support_admin, category
):
    _, secret = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    receiver.delay = 5  # a slow receiver must not slow the page down
    started = time.monotonic()
    response = login(alice).post(
        reverse("tickets:create"),
        {
            "subject": "Printer on fire",
            "description": "Flames.",
            "category": category.slug,
            "priority": "2",
        },
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 4
    wait_for(lambda: receiver.received, what="the delivery", timeout=30)
    settle(2)
    [(headers, body)] = receiver.received
    assert signing.verify(secret, headers["X-Helpdesk-Signature"], body)
    assert json.loads(body)["ticket"]["subject"] == "Printer on fire"
    assert WebhookDelivery.objects.get().state == State.SENT


def test_with_the_broker_down_the_sweepers_still_deliver_once(
    worker, receiver, alice, support_admin, make_ticket
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    with broker_unreachable():
        make_ticket(alice, subject="Sent while Redis was away")
    settle(2)
    assert receiver.received == []
    assert TicketEvent.objects.filter(notified_at__isnull=True).exists()

    # What beat runs every minute, once the broker is back.
    notifications_sweep()
    wait_for(lambda: WebhookDelivery.objects.exists(), what="the delivery row")
    webhooks_sweep()  # queues it a second time: the claim makes it one call
    wait_for(lambda: receiver.received, what="the delivery", timeout=30)
    settle(3)
    assert len(receiver.received) == 1
    assert json.loads(receiver.received[0][1])["ticket"]["subject"] == "Sent while Redis was away"
