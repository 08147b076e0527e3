"""Celery tasks of reports: thin wrappers around ``reports.rollups`` and
``reports.figures``."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from reports.figures import figures_warm
from reports.forms import default_scope
from reports.rollups import local_day, rollups_process_events

# Batches one run takes in at most before leaving the rest to the next run.
MAX_BATCHES = 20
logger = logging.getLogger(__name__)


@shared_task(name="reports.refresh_rollups")
def rollups_refresh_task() -> int:
    """Take the events since the watermark into the rollups (beat, every minute),
    then compute support's default dashboard ahead of its first viewer.
    Returns how many events it took in; 0 when another worker was at it."""
    total = 0
    for _ in range(MAX_BATCHES):
        taken = rollups_process_events()
        total += taken
        if taken == 0:
            break
    now = timezone.now()
    # Kept until the next run has replaced them (a run late by as much again
    # leaves the page to compute its own): 150-200 ms a language at a million
    # tickets, off every support admin's first look.
    try:
        figures_warm(
            [default_scope(local_day(now))],
            now=now,
            internal=True,
            keep=settings.REPORTS_CACHE_SECONDS + settings.REPORTS_REFRESH_EVERY_SECONDS,
        )
    except Exception as error:  # noqa: BLE001 - any failure: the page computes its own
        # The rollups moved; a dashboard computes its own figures as before.
        # One line a run while the cache is down, not a traceback a minute.
        logger.warning("reports: the dashboard's figures were not computed ahead: %r", error)
    return total
