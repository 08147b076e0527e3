"""The delivery log pages by cursor: each page starts after the last row shown,
so deliveries arriving meanwhile neither repeat a row nor cost more queries."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html import unescape

from django.urls import reverse
from django.utils import timezone

from webhooks.models import WebhookDelivery
from webhooks.services import hook_create


def _log(hook, count: int, *, start=None) -> list[str]:
    """``count`` deliveries, a second apart, oldest first; returns their ids newest first."""
    start = start or timezone.now() - timedelta(hours=1)
    rows = [
        WebhookDelivery(
            webhook=hook,
            event_type="webhook.test",
            delivery_id=uuid.uuid4(),
            body="{}",
            created_at=start + timedelta(seconds=n),
        )
        for n in range(count)
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return [str(row.delivery_id) for row in reversed(rows)]


def _shown(html: str) -> list[str]:
    return re.findall(r'data-delivery="([0-9a-f-]+)"', html)


def _older(html: str) -> str:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert found is not None
    return unescape(found[1])


def test_the_next_page_starts_after_the_last_row_shown_even_as_new_ones_arrive(
    receiver, login, alice, django_assert_max_num_queries
):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    newest_first = _log(hook, 60)
    client = login(alice)
    url = reverse("webhooks:portal_detail", args=[hook.pk])
    first = client.get(url).content.decode()
    assert _shown(first) == newest_first[:25]

    _log(hook, 3, start=timezone.now())  # three new deliveries while the page is read
    with django_assert_max_num_queries(12):
        second = client.get(url + _older(first)).content.decode()
    assert _shown(second) == newest_first[25:50]  # no row again, none skipped
    third = client.get(url + _older(second)).content.decode()
    assert _shown(third) == newest_first[50:]
    assert 'rel="next"' not in third
    assert 'rel="prev"' in third


def test_a_forged_cursor_shows_the_first_page(receiver, login, alice):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    newest_first = _log(hook, 30)
    page = login(alice).get(reverse("webhooks:portal_detail", args=[hook.pk]), {"cursor": "forged"})
    assert page.status_code == 200
    assert _shown(page.content.decode()) == newest_first[:25]


def test_the_api_log_pages_by_cursor(receiver, api, alice):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    newest_first = _log(hook, 60)
    client = api(alice)
    first = client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()
    assert [row["delivery_id"] for row in first["results"]] == newest_first[:25]
    assert "cursor=" in first["next"]
    _log(hook, 3, start=timezone.now())
    second = client.get(first["next"]).json()
    assert [row["delivery_id"] for row in second["results"]] == newest_first[25:50]
    assert second["count"] == 60  # the first page's count, carried


def test_another_organisations_admin_cannot_page_a_hooks_log(receiver, api, login, alice, carol):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["message.added"])
    _log(hook, 30)
    first = api(alice).get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()
    assert api(carol).get(first["next"]).status_code == 404
    url = reverse("webhooks:portal_detail", args=[hook.pk])
    page = login(alice).get(url).content.decode()
    assert login(carol).get(url + _older(page)).status_code == 404
