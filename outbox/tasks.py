"""Celery tasks of the outbox: thin, idempotent wrappers around its services."""

from celery import shared_task

from outbox import services
from outbox.delivery import send_or_come_back


@shared_task(name="outbox.send", bind=True, acks_late=True)
def send_task(self, email_id: int) -> str:
    """Send one outbox email; on a temporary refusal, come back after the backoff."""
    return send_or_come_back(
        self,
        email_id,
        lambda pk: services.outbound_send(email_id=pk),
        services.outbound_retry_delay,
    )


@shared_task(name="outbox.sweep")
def sweep_task() -> int:
    """Re-queue what the broker or a worker dropped (beat runs this every minute)."""
    return services.outbound_sweep()
