"""/api/v1/webhooks/ (issue 21): the pages' acts for scripts, behind the same door."""

from __future__ import annotations

import pytest

from webhooks.models import Webhook, WebhookDelivery
from webhooks.services import delivery_send, hook_create

BASE = "/api/v1/webhooks/"


def test_a_customer_admin_registers_lists_and_rotates_their_own_hook(receiver, api, alice, acme):
    client = api(alice)
    created = client.post(
        BASE, {"url": receiver.url, "event_types": ["message.added"]}, format="json"
    )
    assert created.status_code == 201
    data = created.json()
    hook = Webhook.objects.get()
    assert data["secret"] == hook.secret
    assert data["organization"] == acme.alias
    assert data["customer_owned"] is True
    listed = client.get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [hook.pk]
    assert "secret" not in listed["results"][0]
    rotated = client.post(f"{BASE}{hook.pk}/rotate-secret/").json()
    hook.refresh_from_db()
    assert rotated["secret"] == hook.secret != data["secret"]


def test_refusals_name_the_field_and_store_nothing(api, alice, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    client = api(alice)
    response = client.post(
        BASE, {"url": "https://10.0.0.5/x", "event_types": ["message.added"]}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()
    response = client.post(
        BASE, {"url": "https://example.com/x", "event_types": ["sla.breached"]}, format="json"
    )
    assert response.status_code == 400
    assert "event_types" in response.json()
    assert Webhook.objects.count() == 0


def test_another_organisations_admin_gets_404_and_changes_nothing(receiver, api, alice, carol):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    client = api(carol)
    assert client.get(f"{BASE}{hook.pk}/").status_code == 404
    assert client.get(f"{BASE}{hook.pk}/deliveries/").status_code == 404
    assert client.post(f"{BASE}{hook.pk}/rotate-secret/").status_code == 404
    assert client.post(f"{BASE}{hook.pk}/test/").status_code == 404
    assert client.delete(f"{BASE}{hook.pk}/").status_code == 404
    assert client.get(BASE).json()["results"] == []
    assert Webhook.objects.filter(pk=hook.pk, secret=hook.secret).exists()
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("who", ["bob", "agent"])
def test_members_and_agents_are_refused(request, api, who):
    response = api(request.getfixturevalue(who)).get(BASE)
    assert response.status_code == 403


def test_send_test_and_read_the_log_in_bounded_queries(
    receiver, api, support_admin, django_assert_max_num_queries
):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    client = api(support_admin)
    for _ in range(5):
        assert client.post(f"{BASE}{hook.pk}/test/").status_code == 202
    for pk in WebhookDelivery.objects.values_list("pk", flat=True):
        delivery_send(delivery_id=pk)
    with django_assert_max_num_queries(12):
        log = client.get(f"{BASE}{hook.pk}/deliveries/").json()
    assert log["count"] == 5
    assert all(row["state"] == "sent" for row in log["results"])
    assert all(row["attempts_log"][0]["response_code"] == 200 for row in log["results"])


def test_support_admin_disables_and_scopes_a_hook_to_an_organisation(
    receiver, api, support_admin, globex
):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    client = api(support_admin)
    response = client.put(
        f"{BASE}{hook.pk}/",
        {"url": receiver.url, "event_types": ["ticket.closed"], "organization": globex.alias},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["organization"] == globex.alias
    assert (
        client.post(f"{BASE}{hook.pk}/active/", {"is_active": False}, format="json").json()[
            "is_active"
        ]
        is False
    )
    hook.refresh_from_db()
    assert hook.organization == globex
    assert not hook.is_active
