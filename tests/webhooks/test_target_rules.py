"""The review's target rules: allowed ports, a bounded DNS lookup, and every
address that is not globally routable refused (whatever Python 3.11 thinks)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.urls import reverse

from webhooks.models import State, Webhook, WebhookAttempt, WebhookDelivery
from webhooks.services import delivery_send, hook_create, hook_send_test
from webhooks.targets import MAX_LOOKUPS, TargetRefused, target_check

PUBLIC = "93.184.215.14"


@pytest.fixture
def strict(settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False


# --- Ports ---------------------------------------------------------------------------


@pytest.mark.parametrize("port", [22, 25, 80, 6379, 8080, 9200])
def test_a_port_other_than_443_or_8443_is_refused(strict, port):
    with pytest.raises(TargetRefused) as refused:
        target_check(f"https://{PUBLIC}:{port}/hook")
    assert str(refused.value) == f"The URL's port must be one of 443, 8443 (it is {port})."


@pytest.mark.parametrize("url", [f"https://{PUBLIC}/hook", f"https://{PUBLIC}:8443/hook"])
def test_443_and_8443_are_allowed(strict, url):
    assert target_check(url).address == PUBLIC


def test_the_page_names_the_url_field_and_the_port_rule(strict, login, support_admin):
    response = login(support_admin).post(
        reverse("webhooks:new"),
        {"url": f"https://{PUBLIC}:6379/x", "event_types": ["ticket.created"]},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["url"] == ["The URL's port must be one of 443, 8443 (it is 6379)."]
    assert Webhook.objects.count() == 0


def test_the_api_names_the_url_field_and_the_port_rule(strict, api, alice):
    response = api(alice).post(
        "/api/v1/webhooks/",
        {"url": f"https://{PUBLIC}:22/x", "event_types": ["message.added"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["url"] == ["The URL's port must be one of 443, 8443 (it is 22)."]
    assert Webhook.objects.count() == 0


def test_the_allowed_ports_come_from_the_setting(strict, settings):
    settings.WEBHOOKS_ALLOWED_PORTS = [9443]
    assert target_check(f"https://{PUBLIC}:9443/x").port == 9443
    with pytest.raises(TargetRefused):
        target_check(f"https://{PUBLIC}/x")


# --- A lookup that does not answer ---------------------------------------------------


@pytest.fixture
def slow_dns(monkeypatch, settings):
    """``slow.example.test`` answers after the test ends; everything else as usual."""
    settings.WEBHOOKS_DNS_TIMEOUT_SECONDS = 1
    released = threading.Event()
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):  # the world outside: a resolver that hangs
        if host == "slow.example.test":
            released.wait(30)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    yield
    released.set()


def test_a_lookup_that_hangs_is_a_field_error_within_the_timeout(
    strict, slow_dns, login, support_admin
):
    started = time.monotonic()
    response = login(support_admin).post(
        reverse("webhooks:new"),
        {"url": "https://slow.example.test/hook", "event_types": ["ticket.created"]},
    )
    assert time.monotonic() - started < 3
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [
        "slow.example.test could not be looked up within 1 seconds; "
        "check the name, or try again later."
    ]
    assert Webhook.objects.count() == 0


def test_a_lookup_that_hangs_before_a_send_is_a_logged_failed_attempt(
    receiver, support_admin, monkeypatch, settings
):
    settings.WEBHOOKS_DNS_TIMEOUT_SECONDS = 1
    _resolving("later.example.test", monkeypatch)
    hook, _ = hook_create(
        actor=support_admin,
        url=receiver.url.replace("127.0.0.1", "later.example.test"),
        event_types=["ticket.created"],
    )
    released = threading.Event()

    def hanging(host, *args, **kwargs):
        released.wait(30)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    try:
        hook_send_test(hook=hook)
        started = time.monotonic()
        assert delivery_send(delivery_id=WebhookDelivery.objects.get().pk) == "failed"
        assert time.monotonic() - started < 3
    finally:
        released.set()
    attempt = WebhookAttempt.objects.get()
    assert attempt.error == (
        "later.example.test could not be looked up within 1 seconds; "
        "check the name, or try again later."
    )
    assert WebhookDelivery.objects.get().state == State.FAILED
    assert receiver.received == []


def _resolving(name: str, monkeypatch) -> None:
    """``name`` resolves to loopback (the receiver) from now on."""
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == name:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)


# --- Addresses that are not globally routable ----------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "[fec0::1]",  # deprecated site-local: "global" to Python 3.11
        "[fec0:1:2::3]",
        "[3fff::1]",  # documentation (2024): "global" to Python 3.11
        "[5f00::1]",  # segment routing
        "[64:ff9b:1::a00:1]",  # local-use NAT64
        "[2001:db8::1]",
        "[2001:3::1]",  # IETF protocol assignments
        "[100::1]",
        "0.1.2.3",
        "100.64.0.1",
        "100.127.255.254",
        "192.0.0.9",  # IETF protocol assignments: "global" to Python 3.11
        "192.0.0.10",
        "192.0.0.170",
        "192.88.99.1",  # deprecated 6to4 relays: "global" to Python 3.11
        "198.18.0.1",
        "198.19.255.254",
        "192.0.2.1",
        "198.51.100.1",
        "203.0.113.1",
        "255.255.255.255",
        "[::ffff:198.18.0.1]",
        "[64:ff9b::c000:9]",  # NAT64 of 192.0.0.9
        "[2002:c000:0009::]",  # 6to4 of 192.0.0.9
    ],
)
def test_an_address_that_is_not_globally_routable_is_refused(strict, address):
    with pytest.raises(TargetRefused):
        target_check(f"https://{address}/hook")


@pytest.mark.parametrize(
    "address", [PUBLIC, "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]", "[64:ff9b::5db8:d70e]"]
)
def test_public_addresses_still_pass(strict, address):
    assert target_check(f"https://{address}/hook").port == 443


def test_lookups_left_hanging_are_bounded_and_a_new_one_past_the_bound_is_refused_at_once(
    strict, slow_dns, settings
):
    """Each abandoned lookup holds a thread until its resolver gives up: past
    MAX_LOOKUPS hanging at once, the next is refused without a thread or a wait."""
    settings.WEBHOOKS_DNS_TIMEOUT_SECONDS = 0.05
    for _ in range(MAX_LOOKUPS):
        with pytest.raises(TargetRefused):
            target_check("https://slow.example.test/hook")
    before = threading.active_count()
    started = time.monotonic()
    with pytest.raises(TargetRefused, match="could not be looked up"):
        target_check("https://slow.example.test/hook")
    assert time.monotonic() - started < 0.04
    assert threading.active_count() == before
