"""Celery tasks of privacy: thin wrappers around the services."""

from celery import shared_task

from privacy.retention import retention_run


@shared_task(name="privacy.retention")
def retention_task() -> int:
    """Beat runs this daily: every enabled retention policy, in batches; returns tickets removed."""
    return sum(report.done for report in retention_run())
