"""Celery tasks of notifications: thin, idempotent wrappers around the services."""

from celery import shared_task

from notifications import services


@shared_task(name="notifications.process_event", acks_late=True)
def process_event_task(event_id: int) -> int:
    """Turn one ticket event into notification rows (once, however often it runs)."""
    return len(services.notifications_for_event(event_id=event_id))


@shared_task(name="notifications.send_email", bind=True, acks_late=True)
def send_email_task(self, notification_id: int) -> str:
    """Send one notification's email; on a refusal, come back after the backoff."""
    outcome = services.notification_send_email(notification_id=notification_id)
    if outcome == "retry":
        delay = services.retry_delay_for(notification_id)
        if delay is not None:
            self.apply_async(args=[notification_id], countdown=delay)
    return outcome


@shared_task(name="notifications.sweep")
def sweep_task() -> tuple[int, int]:
    """Re-queue what the broker or a worker dropped (beat runs this every minute)."""
    return services.notifications_sweep()
