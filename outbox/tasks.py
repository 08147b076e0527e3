"""Celery tasks of the outbox: thin, idempotent wrappers around its services."""

from celery import shared_task

from outbox import services


@shared_task(name="outbox.send", bind=True, acks_late=True)
def send_task(self, email_id: int) -> str:
    """Send one outbox email; on a temporary refusal, come back after the backoff."""
    outcome = services.outbound_send(email_id=email_id)
    if outcome == "retry":
        delay = services.outbound_retry_delay(email_id)
        if delay is not None:
            self.apply_async(args=[email_id], countdown=delay)
    return outcome


@shared_task(name="outbox.sweep")
def sweep_task() -> int:
    """Re-queue what the broker or a worker dropped (beat runs this every minute)."""
    return services.outbound_sweep()
