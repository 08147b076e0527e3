"""Health of the parts a request or a task needs: database (and replica), cache, broker, worker."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from ops.models import Heartbeat, TaskRuns
from ops.replica import replica_configured, replica_health

logger = logging.getLogger(__name__)

WORKER = "worker"
# A part that works less well but does not stop the site: still ready.
DEGRADED = "degraded"


def heartbeat_record(*, name: str = WORKER) -> None:
    """Say that a process of this kind is alive now (one upsert)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


def task_run_record(
    *, name: str, succeeded: bool, processed: int = 0, at: datetime | None = None
) -> None:
    """Add one run of the task ``name`` to its totals (one UPDATE; the row is
    created on its first run). Safe from any number of workers at once."""
    at = at or timezone.now()
    changes: dict = {"last_run_at": at, "processed": F("processed") + processed}
    if succeeded:
        changes.update(succeeded=F("succeeded") + 1, last_success_at=at)
    else:
        changes.update(failed=F("failed") + 1)
    if TaskRuns.objects.filter(name=name).update(**changes):
        return
    try:
        with transaction.atomic():
            TaskRuns.objects.create(
                name=name,
                succeeded=int(succeeded),
                failed=int(not succeeded),
                processed=processed,
                last_run_at=at,
                last_success_at=at if succeeded else None,
            )
    except IntegrityError:  # another worker created it first
        TaskRuns.objects.filter(name=name).update(**changes)


def check_database() -> str:
    """The database answers a query now.

    A connection kept from an earlier request is health-checked by Django
    (``SELECT 1``, CONN_HEALTH_CHECKS) before its first use in a request; when
    that check is due it is this one, not a second round trip before ours.
    """
    # (django-stubs does not declare the two flags Django's check keeps.)
    due = (
        connection.connection is not None
        and getattr(connection, "health_check_enabled", False)
        and not getattr(connection, "health_check_done", True)
    )
    if due:
        connection.close_if_health_check_failed()
        if connection.connection is not None:
            return "ok"  # it answered Django's SELECT 1
    with connection.cursor() as cursor:  # a new connection, or one already checked
        cursor.execute("SELECT 1")
    return "ok"


def check_replica() -> str:
    """``ok``, or ``degraded: <why>`` while reads go to the primary instead
    (down, not a replica, or lagging): the site still serves, so it is still
    ready. The answer is ``ops.replica``'s, kept a few seconds."""
    health = replica_health()
    return "ok" if health.usable else f"{DEGRADED}: {health.reason}"


def check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)
    return "ok"


def check_broker() -> str:
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    return "ok"


def check_worker() -> str:
    max_age = timedelta(seconds=settings.HELPDESK_HEARTBEAT_MAX_AGE_SECONDS)
    beat_at = Heartbeat.objects.filter(name=WORKER).values_list("beat_at", flat=True).first()
    if beat_at is None:
        raise RuntimeError("no worker has reported yet")
    age = timezone.now() - beat_at
    if age > max_age:
        raise RuntimeError(f"the last worker heartbeat is {int(age.total_seconds())} s old")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
}
if replica_configured():
    CHECKS["replica"] = check_replica


def readiness(parts: list[str] | None = None) -> tuple[bool, dict[str, str]]:
    """Run every check (or those named); returns whether all passed (a degraded
    part passes) and each outcome."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if parts and name not in parts:
            continue
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure of a dependency means "not ready"
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = f"failing: {error}"[:300]
    ready = all(outcome == "ok" or outcome.startswith(DEGRADED) for outcome in results.values())
    return ready, results
