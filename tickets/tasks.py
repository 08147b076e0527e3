"""Celery tasks of tickets: thin wrappers that call a service."""

from celery import shared_task

from tickets import services
from tickets.sla.alerts import sla_alerts_due
from tickets.sla.refresh import sla_refresh_active
from tickets.sla.waiting import waiting_nudges_due


@shared_task(name="tickets.autoclose")
def autoclose_task() -> int:
    """Close solved tickets whose wait is over (beat runs this every few minutes)."""
    return services.tickets_auto_close_due()


@shared_task(name="tickets.sla_alerts")
def sla_alerts_task() -> tuple[int, int, int, int]:
    """Warn before service-level targets fall due, record breaches, and remind or solve
    tickets waiting too long for their customer (beat, every minute)."""
    return (*sla_alerts_due(), *waiting_nudges_due())


@shared_task(name="tickets.sla_refresh")
def sla_refresh_task(organization_id: int | None = None) -> int:
    """Replay the clocks of the tickets still being worked after a configuration change."""
    return sla_refresh_active(organization_id=organization_id)
