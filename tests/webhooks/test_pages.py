"""The webhook pages: support admins' and customer admins' (issue 21)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from webhooks.models import Webhook, WebhookDelivery
from webhooks.services import delivery_send, hook_create, hook_send_test


def test_a_support_admin_creates_a_hook_and_sees_its_secret_once(
    receiver, login, support_admin, acme
):
    client = login(support_admin)
    response = client.post(
        reverse("webhooks:new"),
        {
            "url": receiver.url,
            "description": "Chat alerts",
            "event_types": ["ticket.created", "sla.breached"],
            "organization": acme.pk,
        },
    )
    assert response.status_code == 200
    hook = Webhook.objects.get()
    assert hook.organization == acme
    assert not hook.customer_owned
    assert hook.event_types == ["ticket.created", "sla.breached"]
    assert hook.secret in response.content.decode()
    again = client.get(reverse("webhooks:detail", args=[hook.pk]))
    assert hook.secret not in again.content.decode()


def test_a_private_target_is_refused_naming_the_field_and_nothing_is_stored(
    login, support_admin, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    response = login(support_admin).post(
        reverse("webhooks:new"),
        {"url": "https://127.0.0.1/hook", "event_types": ["ticket.created"]},
    )
    assert response.status_code == 400
    assert "is not a public address" in response.content.decode()
    assert Webhook.objects.count() == 0


def test_no_events_chosen_is_refused_naming_the_field(login, support_admin, receiver):
    response = login(support_admin).post(reverse("webhooks:new"), {"url": receiver.url})
    assert response.status_code == 400
    assert "Choose at least one event." in response.content.decode()
    assert Webhook.objects.count() == 0


def test_a_customer_admin_registers_a_hook_for_their_organisation_only(
    receiver, login, alice, acme, globex
):
    client = login(alice)
    response = client.post(
        reverse("webhooks:portal_new"),
        {
            "url": receiver.url,
            "event_types": ["message.added"],
            "organization": globex.pk,  # ignored: not a field of theirs
        },
    )
    assert response.status_code == 200
    hook = Webhook.objects.get()
    assert hook.organization == acme
    assert hook.customer_owned
    assert hook.owner == alice


def test_customers_cannot_subscribe_to_sla_breaches(receiver, login, alice):
    response = login(alice).post(
        reverse("webhooks:portal_new"), {"url": receiver.url, "event_types": ["sla.breached"]}
    )
    assert response.status_code == 400
    assert Webhook.objects.count() == 0


def test_another_organisations_admin_gets_404_on_every_hook_page(receiver, login, alice, carol):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    client = login(carol)
    assert client.get(reverse("webhooks:portal_detail", args=[hook.pk])).status_code == 404
    for action in ("test", "rotate", "disable", "delete"):
        url = reverse("webhooks:portal_action", args=[hook.pk, action])
        assert client.post(url).status_code == 404
    response = client.post(
        reverse("webhooks:portal_detail", args=[hook.pk]),
        {"url": "https://example.com/x", "event_types": ["message.added"]},
    )
    assert response.status_code == 404
    listing = client.get(reverse("webhooks:portal_list")).content.decode()
    assert receiver.url not in listing
    hook.refresh_from_db()
    assert hook.is_active
    assert hook.url == receiver.url
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("who", ["bob", "agent"])
def test_members_and_agents_get_404(request, receiver, login, who, support_admin):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    client = login(request.getfixturevalue(who))
    for name in ("webhooks:list", "webhooks:portal_list", "webhooks:new", "webhooks:portal_new"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("webhooks:detail", args=[hook.pk])).status_code == 404
    assert client.post(reverse("webhooks:action", args=[hook.pk, "delete"])).status_code == 404
    assert Webhook.objects.count() == 1


def test_a_customer_admin_cannot_reach_support_hooks_of_their_organisation(
    receiver, login, alice, support_admin, acme
):
    hook, _ = hook_create(
        actor=support_admin, url=receiver.url, event_types=["ticket.created"], organization=acme
    )
    client = login(alice)
    assert client.get(reverse("webhooks:portal_detail", args=[hook.pk])).status_code == 404
    assert client.get(reverse("webhooks:detail", args=[hook.pk])).status_code == 404


def test_send_test_button_delivers_and_the_log_shows_it(receiver, login, alice):
    hook, _secret = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    client = login(alice)
    response = client.post(reverse("webhooks:portal_action", args=[hook.pk, "test"]))
    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    page = client.get(reverse("webhooks:portal_detail", args=[hook.pk])).content.decode()
    assert str(delivery.delivery_id) in page
    assert "webhook.test" in page
    assert "200" in page


def test_rotate_shows_the_new_secret_once(receiver, login, support_admin):
    hook, old = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    response = login(support_admin).post(reverse("webhooks:action", args=[hook.pk, "rotate"]))
    hook.refresh_from_db()
    assert hook.secret != old
    assert hook.secret in response.content.decode()


def test_disable_and_enable(receiver, login, support_admin):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    client = login(support_admin)
    client.post(reverse("webhooks:action", args=[hook.pk, "disable"]))
    hook.refresh_from_db()
    assert not hook.is_active
    client.post(reverse("webhooks:action", args=[hook.pk, "enable"]))
    hook.refresh_from_db()
    assert hook.is_active


def test_editing_a_hook_saves_and_refuses_a_bad_url(receiver, login, support_admin, settings):
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    client = login(support_admin)
    url = reverse("webhooks:detail", args=[hook.pk])
    client.post(url, {"url": receiver.url + "&x=1", "event_types": ["ticket.closed"]})
    hook.refresh_from_db()
    assert hook.event_types == ["ticket.closed"]
    assert hook.url.endswith("&x=1")
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = client.post(url, {"url": receiver.url, "event_types": ["ticket.created"]})
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()
    hook.refresh_from_db()
    assert hook.event_types == ["ticket.closed"]


def test_the_list_and_the_log_take_a_fixed_number_of_queries(
    receiver, login, support_admin, acme, django_assert_max_num_queries, settings
):
    settings.WEBHOOKS_PER_ORGANIZATION = 100
    settings.WEBHOOKS_TEST_RATE = "100/minute"  # a long log, made quickly
    for n in range(30):
        hook, _ = hook_create(
            actor=support_admin,
            url=receiver.url,
            event_types=["ticket.created"],
            organization=acme if n % 2 else None,
        )
    for _ in range(30):
        hook_send_test(hook=hook)
    for pk in WebhookDelivery.objects.values_list("pk", flat=True):
        delivery_send(delivery_id=pk)
    client = login(support_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("webhooks:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("webhooks:detail", args=[hook.pk])).status_code == 200
    page = client.get(reverse("webhooks:list"), {"organization": acme.pk}).content.decode()
    assert page.count("Every organisation</td>") == 0


def test_delete_asks_first_and_only_the_confirmation_deletes(receiver, login, alice):
    hook, _ = hook_create(
        actor=alice, url=receiver.url, event_types=["message.added"], description="Chat"
    )
    client = login(alice)
    detail = client.get(reverse("webhooks:portal_detail", args=[hook.pk])).content.decode()
    confirm_url = reverse("webhooks:portal_delete", args=[hook.pk])
    assert f'href="{confirm_url}"' in detail  # a link: reached with Tab and Enter

    asked = client.get(confirm_url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Delete this webhook?" in page
    assert receiver.url.replace("&", "&amp;") in page
    assert f'<form method="post" action="{confirm_url}">' in page
    assert '<button type="submit" class="danger">Delete webhook</button>' in page
    cancel = reverse("webhooks:portal_detail", args=[hook.pk])
    assert f'<a class="button" href="{cancel}">Cancel</a>' in page
    assert Webhook.objects.filter(pk=hook.pk).exists()  # asking deleted nothing

    deleted = client.post(confirm_url, follow=True)
    assert deleted.redirect_chain[-1][0] == reverse("webhooks:portal_list")
    assert "The webhook is deleted." in deleted.content.decode()
    assert not Webhook.objects.filter(pk=hook.pk).exists()


def test_the_delete_confirmation_is_404_to_another_organisation_and_deletes_nothing(
    receiver, login, alice, carol, support_admin
):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    support_hook, _ = hook_create(
        actor=support_admin, url=receiver.url, event_types=["ticket.created"]
    )
    outsider = login(carol)
    for method in ("get", "post"):
        url = reverse("webhooks:portal_delete", args=[hook.pk])
        assert getattr(outsider, method)(url).status_code == 404
    customer = login(alice)
    for method in ("get", "post"):
        url = reverse("webhooks:portal_delete", args=[support_hook.pk])
        assert getattr(customer, method)(url).status_code == 404
        url = reverse("webhooks:delete", args=[support_hook.pk])
        assert getattr(customer, method)(url).status_code == 404
    assert Webhook.objects.count() == 2
