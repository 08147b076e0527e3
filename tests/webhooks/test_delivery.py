"""Signed webhook deliveries to a real HTTP receiver on loopback (issue 21).

Events become deliveries when notifications processes them; each delivery
is claimed, POSTed signed, logged, retried with backoff, and swept.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutboundEmail, Purpose
from tests.concurrency import run_together
from tests.webhooks.conftest import broker_unreachable
from tickets import services as tickets
from tickets.models import TicketEvent
from webhooks import signing
from webhooks.models import State, Webhook, WebhookAttempt, WebhookDelivery
from webhooks.services import (
    deliveries_purge,
    delivery_send,
    hook_create,
    hook_rotate_secret,
    hook_send_test,
    webhooks_sweep,
)

ALL = ["ticket.created", "message.added", "ticket.status_changed", "ticket.solved"]


def send_all(*, later: timedelta = timedelta()) -> list[str]:
    ids = WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)
    return [delivery_send(delivery_id=pk, now=timezone.now() + later) for pk in list(ids)]


def test_a_new_ticket_reaches_the_receiver_signed_with_the_hooks_secret(
    receiver, support_admin, alice, make_ticket, process_events
):
    _hook, secret = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    ticket = make_ticket(alice, subject="Printer on fire")
    process_events()

    assert send_all() == ["sent"]
    [(headers, body)] = receiver.received
    assert signing.verify(secret, headers["X-Helpdesk-Signature"], body)
    assert not signing.verify("whsec_wrong", headers["X-Helpdesk-Signature"], body)
    assert not signing.verify(secret, headers["X-Helpdesk-Signature"], body + b" ")
    data = json.loads(body)
    assert data["version"] == "1"
    assert data["type"] == "ticket.created"
    assert data["ticket"]["number"] == ticket.pk
    assert data["ticket"]["subject"] == "Printer on fire"
    assert data["organization"]["alias"] == ticket.organization.alias
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Helpdesk-Delivery"] == str(delivery.delivery_id) == data["id"]
    assert headers["X-Helpdesk-Event"] == "ticket.created"
    assert headers["Content-Type"] == "application/json"


def test_the_signature_is_over_timestamp_dot_body_and_expires_after_the_replay_window():
    header = signing.sign("whsec_k", 1_700_000_000, b'{"a":1}')
    assert header.startswith("t=1700000000,v1=")
    import hashlib
    import hmac

    expected = hmac.new(b"whsec_k", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert signing.verify("whsec_k", header, b'{"a":1}', now=1_700_000_000 + 299)
    assert not signing.verify("whsec_k", header, b'{"a":1}', now=1_700_000_000 + 301)


def test_a_500_is_retried_after_a_backoff_and_then_delivered_once(
    receiver, support_admin, alice, make_ticket, process_events
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    receiver.answers = [500, 503]

    assert send_all() == ["retry"]
    assert send_all() == ["skipped"]  # not due yet
    assert send_all(later=timedelta(seconds=31)) == ["retry"]
    assert send_all(later=timedelta(minutes=2)) == ["sent"]
    assert send_all(later=timedelta(hours=1)) == ["skipped"]

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == State.SENT
    assert delivery.attempts == 3
    assert delivery.response_code == 200
    log = list(delivery.log.values_list("response_code", flat=True))
    assert log == [500, 503, 200]
    # Every try carried the same body and delivery id: the receiver can drop repeats.
    assert len({body for body in receiver.bodies()}) == 1
    assert len({headers["X-Helpdesk-Delivery"] for headers, _ in receiver.received}) == 1


def test_the_delivery_log_records_code_error_and_duration_of_each_try(
    receiver, support_admin, alice, make_ticket, process_events
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    receiver.answers = [302]

    assert send_all() == ["retry"]
    assert send_all(later=timedelta(minutes=1)) == ["sent"]

    first, second = WebhookAttempt.objects.order_by("pk")
    assert first.response_code == 302
    assert first.error == "A redirect; webhooks do not follow redirects."
    assert second.response_code == 200
    assert second.error == ""
    assert first.duration_ms >= 0
    assert second.duration_ms >= 0
    assert len(receiver.received) == 2  # the redirect's target was never called


def test_a_receiver_that_is_down_is_logged_and_retried(
    settings, support_admin, alice, make_ticket, process_events
):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_ALLOWED_PORTS = [9]
    hook_create(actor=support_admin, url="http://127.0.0.1:9/nobody", event_types=ALL)
    make_ticket(alice)
    process_events()

    assert send_all() == ["retry"]
    attempt = WebhookAttempt.objects.get()
    assert attempt.response_code is None
    assert attempt.error != ""


def test_a_duplicated_task_delivers_once(
    receiver, support_admin, alice, make_ticket, process_events
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    process_events()  # a duplicated process_event task writes nothing more
    delivery = WebhookDelivery.objects.get()

    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.received) == 1


def test_an_event_processed_twice_writes_its_deliveries_once(
    receiver, support_admin, alice, make_ticket
):
    from notifications.services import notifications_for_event

    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    event = TicketEvent.objects.get(kind=TicketEvent.Kind.CREATED)
    notifications_for_event(event_id=event.pk)
    notifications_for_event(event_id=event.pk)
    assert WebhookDelivery.objects.count() == 1


def test_when_the_broker_was_down_the_sweeper_queues_and_it_is_delivered(
    receiver, support_admin, alice, make_ticket, process_events, django_capture_on_commit_callbacks
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as queued:
        process_events()  # queueing the send fails after commit: logged, nothing lost
    assert queued  # the send was due to be queued, and the broker refused it
    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []

    later = timezone.now() + timedelta(minutes=5)
    assert webhooks_sweep(now=later) == 1  # what the beat task finds and queues again
    assert delivery_send(delivery_id=delivery.pk, now=later) == "sent"
    assert len(receiver.received) == 1


def test_the_sweeper_takes_back_a_delivery_whose_sender_died(
    receiver, support_admin, alice, make_ticket, process_events
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=State.SENDING, claimed_at=timezone.now() - timedelta(hours=1), attempts=1
    )
    assert webhooks_sweep() == 1
    assert delivery_send(delivery_id=delivery.pk) == "sent"


def test_out_of_attempts_the_delivery_fails(
    receiver, support_admin, alice, make_ticket, process_events, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    receiver.answers = [500, 500, 500]
    assert send_all() == ["retry"]
    assert send_all(later=timedelta(hours=1)) == ["failed"]
    assert send_all(later=timedelta(hours=2)) == ["skipped"]
    assert WebhookDelivery.objects.get().state == State.FAILED


def test_rotating_the_secret_signs_with_both_for_a_day_then_with_the_new_one_alone(
    receiver, support_admin
):
    """Receivers roll over without refusing a delivery: the old secret still verifies
    for WEBHOOKS_SECRET_OVERLAP_HOURS (24) after the rotation, then no more."""
    hook, old = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    hook_send_test(hook=hook)
    new = hook_rotate_secret(hook=hook)
    assert new != old
    assert new.startswith("whsec_")
    hook_send_test(hook=hook)
    hook_send_test(hook=hook)
    first, during, after = WebhookDelivery.objects.order_by("pk")
    assert delivery_send(delivery_id=first.pk) == "sent"  # queued before, sent after
    assert delivery_send(delivery_id=during.pk, now=timezone.now() + timedelta(hours=23)) == "sent"
    assert delivery_send(delivery_id=after.pk, now=timezone.now() + timedelta(hours=25)) == "sent"

    headers = [h["X-Helpdesk-Signature"] for h, _ in receiver.received]
    bodies = receiver.bodies()
    for header, body in zip(headers[:2], bodies[:2], strict=True):
        assert header.count("v1=") == 2
        assert signing.verify(new, header, body)
        assert signing.verify(old, header, body)
        stamp = int(header.split(",")[0].removeprefix("t="))
        assert header.split(",")[1:] == signing.sign(new, stamp, body, previous=old).split(",")[1:]
    assert headers[2].count("v1=") == 1
    assert signing.verify(new, headers[2], bodies[2])
    assert not signing.verify(old, headers[2], bodies[2])
    assert json.loads(bodies[0])["type"] == "webhook.test"


def test_rotating_twice_within_the_day_drops_the_oldest_secret(receiver, support_admin):
    hook, oldest = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    middle = hook_rotate_secret(hook=hook)
    newest = hook_rotate_secret(hook=hook)
    hook_send_test(hook=hook)
    assert send_all() == ["sent"]
    [(headers, body)] = receiver.received
    header = headers["X-Helpdesk-Signature"]
    assert signing.verify(newest, header, body)
    assert signing.verify(middle, header, body)
    assert not signing.verify(oldest, header, body)


def test_a_failed_test_is_not_retried(receiver, support_admin):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    receiver.answers = [500]
    hook_send_test(hook=hook)
    assert send_all() == ["failed"]
    assert send_all(later=timedelta(hours=1)) == ["skipped"]


def test_sustained_failure_disables_the_hook_and_emails_its_owner(
    receiver, support_admin, alice, make_ticket, process_events, settings
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 2
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    for n in range(3):
        make_ticket(alice, subject=f"Outage {n}")
    process_events()
    receiver.answers = [500] * 10

    send_all()  # three failures, but all within the last two hours: still on
    hook.refresh_from_db()
    assert hook.is_active
    assert hook.consecutive_failures == 3
    send_all(later=timedelta(hours=3))
    hook.refresh_from_db()
    assert not hook.is_active
    assert "failed deliveries" in hook.disabled_reason
    email = OutboundEmail.objects.get(purpose=Purpose.WEBHOOK_DISABLED)
    assert email.to == support_admin.email
    assert receiver.url in email.body
    # Disabled: what is still queued fails without a call, and new events write nothing.
    calls = len(receiver.received)
    send_all(later=timedelta(hours=5))
    assert len(receiver.received) == calls
    make_ticket(alice, subject="After")
    process_events()
    assert WebhookDelivery.objects.count() == 3


def test_a_success_resets_the_failure_count(
    receiver, support_admin, alice, make_ticket, process_events
):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    receiver.answers = [500]
    send_all()
    hook.refresh_from_db()
    assert hook.consecutive_failures == 1
    send_all(later=timedelta(minutes=1))
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0
    assert hook.failing_since is None


def test_the_log_is_kept_thirty_days(receiver, support_admin):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    old = hook_send_test(hook=hook)
    recent = hook_send_test(hook=hook)
    send_all()
    WebhookDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    WebhookDelivery.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - timedelta(days=29)
    )
    assert deliveries_purge() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [recent.pk]
    assert WebhookAttempt.objects.filter(delivery_id=old.pk).count() == 0


def test_status_changes_solve_and_messages_reach_a_support_hook(
    receiver, support_admin, agent, alice, make_ticket, process_events
):
    hook_create(
        actor=support_admin,
        url=receiver.url,
        event_types=["message.added", "ticket.solved", "ticket.assigned"],
    )
    ticket = make_ticket(alice)
    tickets.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    tickets.ticket_reply(
        ticket=ticket, author=agent, body="Internal: check the fuse", internal=True
    )
    tickets.ticket_reply(ticket=ticket, author=agent, body="Fixed it.", submit_as="solved")
    process_events()
    send_all()

    types = [json.loads(body)["type"] for body in receiver.bodies()]
    assert sorted(types) == sorted(
        ["ticket.assigned", "message.added", "message.added", "ticket.solved"]
    )
    notes = [
        json.loads(body)["message"]
        for body in receiver.bodies()
        if json.loads(body)["type"] == "message.added"
    ]
    # Support hooks do carry internal notes, marked as such (a deliberate choice).
    assert sorted((n["body"], n["internal"]) for n in notes) == [
        ("Fixed it.", False),
        ("Internal: check the fuse", True),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_sends_deliver_once(receiver, support_admin, alice, make_ticket):
    from notifications.services import notifications_for_event

    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    event = TicketEvent.objects.get(kind=TicketEvent.Kind.CREATED)
    results = run_together(*[lambda: notifications_for_event(event_id=event.pk)] * 20)
    assert sum(1 for r in results if r) <= 1
    assert not any(isinstance(r, Exception) for r in results)
    delivery = WebhookDelivery.objects.get()

    outcomes = run_together(*[lambda: delivery_send(delivery_id=delivery.pk)] * 20)
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 19
    assert len(receiver.received) == 1
    assert WebhookAttempt.objects.count() == 1


def test_hooks_are_registered_with_a_secret_shown_once(receiver, support_admin):
    hook, secret = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    assert Webhook.objects.get().secret == secret
    assert hook.organization is None
    assert not hook.customer_owned


def test_metrics_count_deliveries_by_state(client, settings, receiver, support_admin):
    from prometheus_client.parser import text_string_to_metric_families

    settings.HELPDESK_METRICS_TOKEN = "metrics-token-for-tests-only"
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=ALL)
    hook_send_test(hook=hook)
    hook_send_test(hook=hook)
    delivery_send(delivery_id=WebhookDelivery.objects.order_by("pk").first().pk)

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-for-tests-only")
    counts = {
        sample.labels["state"]: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name == "helpdesk_webhook_deliveries"
    }
    assert counts == {"pending": 1, "sending": 0, "sent": 1, "failed": 0}
