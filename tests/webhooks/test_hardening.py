"""What an attacking review found: a receiver that dribbles, a change that
widened a hook, a hook outliving its organisation, names beyond ASCII, and
rows that never end."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.core.exceptions import ValidationError

from webhooks import sending
from webhooks.models import WebhookDelivery
from webhooks.services import delivery_send, hook_create
from webhooks.targets import Target

BASE = "/api/v1/webhooks/"


@pytest.fixture
def dribbler():
    """A server that sends its status line one byte every 0.2 s, for a long time."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def serve():
        connection, _ = server.accept()
        connection.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\n" * 50:
            if stop.is_set():
                break
            try:
                connection.send(bytes([byte]))
            except OSError:
                break
            time.sleep(0.2)
        connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()


def test_a_receiver_that_dribbles_is_cut_at_the_total_deadline(dribbler, settings):
    settings.WEBHOOKS_READ_TIMEOUT_SECONDS = 1  # each byte comes sooner than this
    settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS = 1
    target = Target("http", "127.0.0.1", dribbler, "/", ("127.0.0.1",))

    started = time.monotonic()
    outcome = sending.post(target, b"{}", {})

    assert time.monotonic() - started < 3
    assert outcome.status is None
    assert "took more than 1 s" in outcome.error


def test_an_international_host_name_goes_out_as_punycode(receiver):
    port = receiver.server.server_address[1]
    target = Target("http", "пример.example", port, "/", ("127.0.0.1",))

    outcome = sending.post(target, b"{}", {})

    assert outcome.ok
    headers, _ = receiver.received[0]
    assert headers["Host"] == f"xn--e1afmkfd.example:{port}"


def test_a_change_that_leaves_out_the_organisation_keeps_it(receiver, api, support_admin, acme):
    client = api(support_admin)
    made = client.post(
        BASE,
        {"url": receiver.url, "event_types": ["ticket.created"], "organization": acme.alias},
        format="json",
    )
    assert made.status_code == 201
    number = made.json()["id"]

    changed = client.put(
        f"{BASE}{number}/", {"url": receiver.url, "event_types": ["ticket.closed"]}, format="json"
    )

    assert changed.status_code == 200
    assert changed.json()["organization"] == acme.alias


def test_a_support_hook_must_say_whose_events_it_hears(receiver, api, support_admin):
    refused = api(support_admin).post(
        BASE, {"url": receiver.url, "event_types": ["ticket.created"]}, format="json"
    )

    assert refused.status_code == 400
    assert "organization" in refused.json()
    everyone = api(support_admin).post(
        BASE,
        {"url": receiver.url, "event_types": ["ticket.created"], "organization": None},
        format="json",
    )
    assert everyone.status_code == 201
    assert everyone.json()["organization"] is None


@pytest.mark.parametrize("change", ["organization_off", "owner_demoted", "owner_off"])
def test_a_customer_hook_falls_silent_when_its_organisation_or_owner_does(
    change, receiver, alice, bob, make_ticket, process_events
):
    hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])
    bob.role = "admin"  # the organisation keeps an admin
    bob.save()
    make_ticket(bob)  # its event is processed after the change
    if change == "organization_off":
        alice.organization.is_active = False
        alice.organization.save()
    elif change == "owner_demoted":
        alice.role = "member"
        alice.save()
    else:
        alice.is_active = False
        alice.save()

    process_events()

    assert not WebhookDelivery.objects.exists()


def test_an_organisation_has_at_most_its_number_of_hooks(receiver, alice, settings):
    settings.WEBHOOKS_PER_ORGANIZATION = 2
    for _ in range(2):
        hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])

    with pytest.raises(ValidationError, match="may have 2 webhooks"):
        hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])


def test_a_row_claimed_again_and_again_without_an_outcome_is_given_up(
    receiver, alice, bob, make_ticket, process_events, settings
):
    hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])
    make_ticket(bob)
    process_events()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=settings.WEBHOOKS_MAX_ATTEMPTS)

    assert delivery_send(delivery_id=delivery.pk) == "failed"
    assert receiver.received == []
