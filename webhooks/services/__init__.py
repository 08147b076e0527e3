"""Registering webhooks and delivering ticket events to them.

Delivery is a transactional outbox, as ``notifications`` is for emails:

1. ``deliveries_for_event`` runs inside the transaction in which
   ``notifications`` claims a ticket event (``notified_at``): it writes one
   ``WebhookDelivery`` per matching hook and event type, and queues one
   ``webhooks.send`` per row after commit. The event is claimed once, and
   the rows commit with the claim or not at all: no drop, no double.
2. ``delivery_send`` claims the row (pending -> sending, with a lease, the
   conditional UPDATE of ``outbox.delivery.claim``), re-checks the target,
   POSTs the signed body to the vetted address, logs the attempt, and marks
   the row delivered; a failure puts it back to pending after an
   exponential backoff, and after the last attempt it is failed.
3. ``webhooks_sweep`` re-queues rows a broker outage or a crash left behind;
   ``deliveries_purge`` deletes the log past ``WEBHOOKS_LOG_DAYS``.

A hook whose deliveries keep failing (``WEBHOOKS_DISABLE_AFTER_FAILURES``
failed attempts in a row, the first at least ``WEBHOOKS_DISABLE_AFTER_HOURS``
ago) is disabled, and whoever manages it now is told by email
(``disabled_hook_recipients``).

The package: ``hooks`` (registering and the hook's own acts), ``delivering``
(events to deliveries, sending, disabling, sweeping, purging), ``queue``.
"""

from webhooks.services.delivering import (
    MAX_RETRY_DELAY_SECONDS,
    deliveries_for_event,
    deliveries_purge,
    delivery_retry_delay,
    delivery_send,
    disabled_hook_recipients,
    hook_page_path,
    retry_delay,
    webhooks_sweep,
)
from webhooks.services.hooks import (
    SendTestThrottled,
    event_types_for,
    hook_create,
    hook_delete,
    hook_rotate_secret,
    hook_send_test,
    hook_set_active,
    hook_update,
    signing_secrets,
)

__all__ = [
    "MAX_RETRY_DELAY_SECONDS",
    "SendTestThrottled",
    "deliveries_for_event",
    "deliveries_purge",
    "delivery_retry_delay",
    "delivery_send",
    "disabled_hook_recipients",
    "event_types_for",
    "hook_create",
    "hook_delete",
    "hook_page_path",
    "hook_rotate_secret",
    "hook_send_test",
    "hook_set_active",
    "hook_update",
    "retry_delay",
    "signing_secrets",
    "webhooks_sweep",
]
