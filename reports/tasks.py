"""Celery tasks of reports: thin wrappers around ``reports.rollups``."""

from celery import shared_task

from reports.rollups import rollups_process_events

# Batches one run takes in at most before leaving the rest to the next run.
MAX_BATCHES = 20


@shared_task(name="reports.refresh_rollups")
def rollups_refresh_task() -> int:
    """Take the events since the watermark into the rollups (beat, every minute).
    Returns how many events it took in; 0 when another worker was at it."""
    total = 0
    for _ in range(MAX_BATCHES):
        taken = rollups_process_events()
        total += taken
        if taken == 0:
            break
    return total
