"""Server-side request forgery: private, loopback and reserved targets are refused
at registration and again at sending (issue 21)."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from webhooks.models import State, Webhook, WebhookAttempt, WebhookDelivery
from webhooks.services import delivery_send, hook_create, hook_send_test
from webhooks.targets import TargetRefused, target_check

REFUSED = [
    "https://127.0.0.1/hook",
    "https://127.9.9.9/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.1/hook",
    "https://100.64.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://240.0.0.1/hook",
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[ff02::1]/hook",
    "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
    "https://[2002:7f00:1::]/hook",
    "https://2130706433/hook",
    "https://localhost/hook",
    "https://localhost:8443/hook",
]


@pytest.fixture
def strict(settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False


@pytest.mark.parametrize("url", REFUSED)
def test_private_loopback_and_reserved_targets_are_refused(strict, url):
    with pytest.raises(TargetRefused):
        target_check(url)


@pytest.mark.parametrize(
    "url", [*REFUSED[:3], "https://[::ffff:127.0.0.1]/x", "https://localhost/x"]
)
def test_registering_one_stores_nothing_and_names_the_url_field(strict, support_admin, url):
    with pytest.raises(ValidationError) as refused:
        hook_create(actor=support_admin, url=url, event_types=["ticket.created"])
    assert "url" in refused.value.message_dict
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    ["http://93.184.215.14/hook", "ftp://93.184.215.14/x", "https://user:pw@93.184.215.14/x"],
)
def test_only_https_without_credentials(strict, url):
    with pytest.raises(TargetRefused):
        target_check(url)


def test_a_public_address_passes_and_is_what_we_connect_to(strict):
    target = target_check("https://93.184.215.14:8443/hook?x=1")
    assert (target.address, target.port, target.path) == ("93.184.215.14", 8443, "/hook?x=1")


def test_a_name_that_resolves_to_loopback_later_is_refused_at_sending(
    receiver, support_admin, settings, monkeypatch
):
    """DNS rebinding: the name was public at registration, is loopback at sending."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    answers = iter(["93.184.215.14", "127.0.0.1"])
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):  # the world outside: DNS
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    hook, _ = hook_create(
        actor=support_admin,
        url=receiver.url.replace("127.0.0.1", "hooks.example.test"),
        event_types=["ticket.created"],
    )
    hook_send_test(hook=hook)
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "failed"
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert "is not a public address" in attempt.error
    assert "127.0.0.1" not in attempt.error  # the log never maps internal DNS
    assert attempt.response_code is None
    assert WebhookDelivery.objects.get().state == State.FAILED


def test_the_connection_goes_to_the_vetted_address_not_a_second_lookup(
    receiver, support_admin, monkeypatch
):
    """Resolved once, to the receiver on loopback (allowed in tests); a second
    lookup would answer an unroutable address, and the send would fail."""
    answers = iter(["127.0.0.1", "127.0.0.1", "192.0.2.1", "192.0.2.1"])
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    hook, _ = hook_create(
        actor=support_admin,
        url=receiver.url.replace("127.0.0.1", "hooks.example.test"),
        event_types=["ticket.created"],
    )
    hook_send_test(hook=hook)
    assert delivery_send(delivery_id=WebhookDelivery.objects.get().pk) == "sent"
    [(headers, _)] = receiver.received
    assert headers["Host"].startswith("hooks.example.test:")


def test_a_url_too_long_is_refused_naming_the_field(receiver, support_admin):
    with pytest.raises(ValidationError) as refused:
        hook_create(
            actor=support_admin, url=receiver.url + "x" * 500, event_types=["ticket.created"]
        )
    assert refused.value.message_dict["url"] == ["The URL may be at most 500 characters long."]
    assert Webhook.objects.count() == 0
