"""Deleting a webhook asks first, and both steps work by keyboard alone, on a
390 px phone: Tab to "Delete…", Enter; the confirmation's first stop is
Cancel, the next the red button; Enter deletes."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import page_width
from tests.browser.test_keyboard_only import tab_to
from tests.helpers import PASSWORD
from webhooks.models import Webhook
from webhooks.services import hook_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_admin_deletes_a_hook_by_keyboard_after_confirming(
    page, log_in_to, alice, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    hook, _ = hook_create(
        actor=alice, url="https://127.0.0.1:8443/hook", event_types=["message.added"]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_to(alice.email, PASSWORD)
    page.goto(reverse("webhooks:portal_detail", args=[hook.pk]))

    tab_to(page, page.get_by_role("link", name="Delete…"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('webhooks:portal_delete', args=[hook.pk])}")
    expect(page.get_by_role("heading", name="Delete this webhook?")).to_be_visible()
    width = page_width(page)
    assert width["scroll"] <= width["inner"]
    assert Webhook.objects.filter(pk=hook.pk).exists()

    tab_to(page, page.get_by_role("button", name="Delete webhook"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('webhooks:portal_list')}")
    expect(page.get_by_text("The webhook is deleted.")).to_be_visible()
    assert not Webhook.objects.filter(pk=hook.pk).exists()
