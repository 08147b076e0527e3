"""A host with several vetted addresses: each is tried in turn while it cannot
be connected to, never an address that was not vetted, all within the deadline."""

from __future__ import annotations

import socket
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from webhooks.models import State, WebhookAttempt, WebhookDelivery
from webhooks.sending import post
from webhooks.services import delivery_send, hook_create, hook_send_test
from webhooks.targets import Target

NAME = "multi.example.test"


@pytest.fixture
def resolves_to(monkeypatch):
    """``NAME`` resolves to the addresses given, in that order (the world outside: DNS)."""
    answer: list[str] = []
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == NAME:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in answer]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return answer


def test_an_address_that_refuses_the_connection_is_passed_over_for_the_next(
    receiver, support_admin, resolves_to
):
    # Nothing listens on 127.0.0.2 and 127.0.0.3 at the receiver's port: refused at once.
    resolves_to[:] = ["127.0.0.2", "127.0.0.3", "127.0.0.1"]
    hook, _ = hook_create(
        actor=support_admin,
        url=receiver.url.replace("127.0.0.1", NAME),
        event_types=["ticket.created"],
    )
    hook_send_test(hook=hook)
    assert delivery_send(delivery_id=WebhookDelivery.objects.get().pk) == "sent"
    assert len(receiver.received) == 1
    attempt = WebhookAttempt.objects.get()  # one attempt in the log, that succeeded
    assert (attempt.response_code, attempt.error) == (200, "")


def test_when_no_address_takes_the_connection_the_attempt_fails_once_logged(
    receiver, support_admin, resolves_to
):
    resolves_to[:] = ["127.0.0.2", "127.0.0.3"]
    hook, _ = hook_create(
        actor=support_admin,
        url=receiver.url.replace("127.0.0.1", NAME),
        event_types=["ticket.created"],
    )
    hook_send_test(hook=hook)
    assert delivery_send(delivery_id=WebhookDelivery.objects.get().pk) == "failed"
    attempt = WebhookAttempt.objects.get()
    assert attempt.response_code is None
    assert "refused" in attempt.error.lower()
    assert WebhookDelivery.objects.get().state == State.FAILED
    assert receiver.received == []


def test_an_address_that_answered_is_not_followed_by_the_next(receiver, settings):
    """Only a failed connection moves on: once the body may have gone, the next
    address would deliver it twice. The first answers 500; the second hears nothing."""
    port = receiver.server.server_address[1]
    second = ThreadingHTTPServer(("127.0.0.2", port), receiver.server.RequestHandlerClass)
    threading.Thread(target=second.serve_forever, daemon=True).start()
    try:
        receiver.answers = [500, 200]
        target = Target("http", NAME, port, "/hook", ("127.0.0.1", "127.0.0.2"))
        outcome = post(target, b"{}", {"Content-Type": "application/json"})
    finally:
        second.shutdown()
        second.server_close()
    assert outcome.status == 500
    assert len(receiver.received) == 1


def test_every_address_together_stays_within_the_total_deadline(receiver, settings):
    """Addresses that never answer the connection (a black hole) each cost the
    connect timeout, but all of them together no more than the total deadline."""
    settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS = 1
    settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS = 2
    # A listening socket whose backlog is full: connections wait, unanswered.
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(0)
    port = hole.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        target = Target("http", NAME, port, "/", ("127.0.0.1",) * 5)
        started = time.monotonic()
        outcome = post(target, b"{}", {})
        took = time.monotonic() - started
    finally:
        for filler in fillers:
            filler.close()
        hole.close()
    assert outcome.status is None
    assert outcome.error == "The receiver took more than 2 s."
    assert 1.5 < took < 3  # more than one address was tried; not five connect timeouts
