"""What ops attaches to Celery's signals: the request id crossing the broker, and
the run totals of periodic tasks that ``/metrics`` reports.

These are instrumentation, not domain logic (STYLE.md rule 5 is about the
latter): no task changes what it does because of them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import signals
from django.conf import settings
from django.db import DatabaseError

from ops import services
from ops.logging import add_request_id_header, bind_task_request_id, unbind_task_request_id

logger = logging.getLogger(__name__)


def periodic_task_names() -> set[str]:
    """The tasks beat schedules (the auto-close, the sweepers, the mailbox poll,
    the heartbeat): the ones whose runs are counted. Per-email tasks are not;
    their outcome is the state of their outbox row."""
    return {str(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def _count(result: Any) -> int:
    """What a task returned, as a count: an int, or the sum of a tuple of ints."""
    if isinstance(result, bool):
        return 0
    if isinstance(result, int):
        return max(result, 0)
    if isinstance(result, Sequence) and not isinstance(result, str | bytes):
        return sum(_count(item) for item in result if isinstance(item, int))
    return 0


def _record(name: str, *, succeeded: bool, processed: int = 0) -> None:
    if name not in periodic_task_names():
        return
    try:
        services.task_run_record(name=name, succeeded=succeeded, processed=processed)
    except DatabaseError as error:  # the run happened; only its count is lost
        logger.warning("Could not count a run of %s: %s", name, error)


def record_success(sender: Any = None, result: Any = None, **_kwargs: Any) -> None:
    _record(getattr(sender, "name", ""), succeeded=True, processed=_count(result))


def record_failure(sender: Any = None, **_kwargs: Any) -> None:
    _record(getattr(sender, "name", ""), succeeded=False)


def connect() -> None:
    """Called once per process from ``OpsConfig.ready``."""
    signals.before_task_publish.connect(
        add_request_id_header, dispatch_uid="ops.request_id.publish"
    )
    signals.task_prerun.connect(bind_task_request_id, dispatch_uid="ops.request_id.prerun")
    signals.task_postrun.connect(unbind_task_request_id, dispatch_uid="ops.request_id.postrun")
    signals.task_success.connect(record_success, dispatch_uid="ops.task_runs.success")
    signals.task_failure.connect(record_failure, dispatch_uid="ops.task_runs.failure")
