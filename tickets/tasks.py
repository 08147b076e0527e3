"""Celery tasks of tickets: thin wrappers that call a service."""

from celery import shared_task

from tickets import services


@shared_task(name="tickets.autoclose")
def autoclose_task() -> int:
    """Close solved tickets whose wait is over (beat runs this every few minutes)."""
    return services.tickets_auto_close_due()
