"""Celery tasks of webhooks: thin, idempotent wrappers around the services."""

from celery import shared_task

from outbox.delivery import send_or_come_back
from webhooks import services


@shared_task(name="webhooks.send", bind=True, acks_late=True)
def send_task(self, delivery_id: int) -> str:
    """POST one delivery; on a failure, come back after the backoff."""
    return send_or_come_back(
        self,
        delivery_id,
        lambda pk: services.delivery_send(delivery_id=pk),
        services.delivery_retry_delay,
    )


@shared_task(name="webhooks.sweep")
def sweep_task() -> int:
    """Re-queue what the broker or a worker dropped (beat runs this every minute)."""
    return services.webhooks_sweep()


@shared_task(name="webhooks.purge")
def purge_task() -> int:
    """Delete the delivery log past its keeping time (beat runs this hourly)."""
    return services.deliveries_purge()
