"""Celery tasks of ops: thin wrappers around the services."""

from celery import shared_task

from ops import services


@shared_task(name="ops.heartbeat")
def heartbeat_task() -> None:
    """Beat schedules this; readiness fails when it stops arriving."""
    services.heartbeat_record()
