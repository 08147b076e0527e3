"""Celery tasks of notifications: thin, idempotent wrappers around the services."""

from celery import shared_task

from notifications import services
from outbox.delivery import send_or_come_back


@shared_task(name="notifications.process_event", acks_late=True)
def process_event_task(event_id: int) -> int:
    """Turn one ticket event into notification rows (once, however often it runs)."""
    return len(services.notifications_for_event(event_id=event_id))


@shared_task(name="notifications.send_email", bind=True, acks_late=True)
def send_email_task(self, notification_id: int) -> str:
    """Send one notification's email; on a refusal, come back after the backoff."""
    return send_or_come_back(
        self,
        notification_id,
        lambda pk: services.notification_send_email(notification_id=pk),
        services.retry_delay_for,
    )


@shared_task(name="notifications.sweep")
def sweep_task() -> tuple[int, int]:
    """Re-queue what the broker or a worker dropped (beat runs this every minute)."""
    return services.notifications_sweep()
