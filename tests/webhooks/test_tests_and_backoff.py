"""Send test is limited per hook; retries wait a jittered, bounded backoff."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.concurrency import run_together
from webhooks.models import State, WebhookDelivery
from webhooks.services import (
    MAX_RETRY_DELAY_SECONDS,
    SendTestThrottled,
    delivery_send,
    hook_create,
    hook_send_test,
    retry_delay,
)


def test_a_sixth_test_in_a_minute_is_refused_on_the_page_with_a_message(receiver, login, alice):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    client = login(alice)
    url = reverse("webhooks:portal_action", args=[hook.pk, "test"])
    for _ in range(5):
        client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    said = re.search(
        r"Too many test deliveries for this webhook; try again in (\d+) s\.",
        response.content.decode(),
    )
    assert said is not None
    assert 1 <= int(said[1]) <= 60
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 5


def test_a_sixth_test_in_a_minute_is_429_in_the_api_and_another_hook_is_not_held_back(
    receiver, api, alice
):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    other, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    client = api(alice)
    codes = [client.post(f"/api/v1/webhooks/{hook.pk}/test/").status_code for _ in range(6)]
    assert codes == [202] * 5 + [429]
    refused = client.post(f"/api/v1/webhooks/{hook.pk}/test/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60  # the hook's window, not the API's
    assert "Too many test deliveries" in refused.json()["detail"]
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 5
    assert client.post(f"/api/v1/webhooks/{other.pk}/test/").status_code == 202


def test_an_outsiders_tests_neither_send_nor_use_up_the_hooks_allowance(
    receiver, api, alice, carol
):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    outsider = api(carol)
    for _ in range(6):
        assert outsider.post(f"/api/v1/webhooks/{hook.pk}/test/").status_code == 404
    assert WebhookDelivery.objects.count() == 0
    assert api(alice).post(f"/api/v1/webhooks/{hook.pk}/test/").status_code == 202


@pytest.mark.parametrize("attempts", range(1, 13))
def test_each_retry_waits_between_half_and_all_of_its_backoff_step(attempts, settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    step = min(30 * 2 ** (attempts - 1), MAX_RETRY_DELAY_SECONDS)
    waits = [retry_delay(attempts).total_seconds() for _ in range(200)]
    assert all(step / 2 <= wait <= step for wait in waits)
    assert len(set(waits)) > 100  # spread out: not one instant for every delivery


def test_a_failed_delivery_comes_back_within_the_jittered_first_step(
    receiver, support_admin, alice, make_ticket, process_events, settings
):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    process_events()
    receiver.answers = [500]
    now = timezone.now()
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=now) == "retry"
    delivery.refresh_from_db()
    assert delivery.state == State.PENDING
    assert now + timedelta(seconds=15) <= delivery.next_attempt_at <= now + timedelta(seconds=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_tests_at_once_send_five(receiver, alice):
    """The count is the cache's atomic increment: requests arriving together are
    each counted, so no burst gets past the limit."""
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])

    def send():
        try:
            return hook_send_test(hook=hook).pk
        except SendTestThrottled as refused:
            return refused

    results = run_together(*[send] * 20)
    assert sum(1 for r in results if isinstance(r, int)) == 5
    assert sum(1 for r in results if isinstance(r, SendTestThrottled)) == 15
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 5
