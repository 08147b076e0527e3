"""Whether the read replica may be read now: probed at most every few seconds.

The router (``helpdesk/replicas.py``) asks ``replica_health()`` before it
sends a read to the replica, and ``/healthz/ready`` reports the same answer.
A replica that is down, is not a replica, or whose replay is more than
``HELPDESK_REPLICA_MAX_LAG_SECONDS`` behind the primary is *degraded*: reads
go to the primary, which serves them (slower, but right), and the process
stays ready.

The answer is kept per process for ``HELPDESK_REPLICA_CHECK_SECONDS``, so a
request pays for no probe but the one every few seconds (two small queries:
the primary's WAL position, the replica's replay). While one thread probes,
the others keep the last answer rather than wait. A request that finds the
replica's connection broken says so at once (``replica_mark_down``), without
waiting for the next probe.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"


@dataclass(frozen=True)
class ReplicaHealth:
    usable: bool
    reason: str  # why not, when not usable
    checked_at: float  # time.monotonic() of the probe (or of the failure seen)


_last: ReplicaHealth | None = None
_probing = threading.Lock()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_probe() -> ReplicaHealth:
    """Ask both servers now: the replica answers, is in recovery, and has
    replayed what the primary wrote up to ``HELPDESK_REPLICA_MAX_LAG_SECONDS`` ago.

    Lag is measured against the primary's position, not the replica's own: a
    replica cut off from its primary has replayed all it received, yet falls
    behind. An idle primary is not lag.
    """
    now = time.monotonic()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_at = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), "
                "pg_wal_lsn_diff(%s::pg_lsn, COALESCE(pg_last_wal_replay_lsn(), '0/0'::pg_lsn)), "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
                [primary_at],
            )
            in_recovery, behind_bytes, since_replay = cursor.fetchone()
    except Error as error:
        _close_replica()
        return ReplicaHealth(False, f"the replica cannot be read: {error}".strip()[:200], now)
    if not in_recovery:
        return ReplicaHealth(
            False, "DATABASE_REPLICA_URL names a server that is not a replica", now
        )
    lag = float(since_replay or 0)
    if behind_bytes > 0 and lag >= settings.HELPDESK_REPLICA_MAX_LAG_SECONDS:
        return ReplicaHealth(False, f"the replica is {lag:.0f} s behind the primary", now)
    return ReplicaHealth(True, "", now)


def replica_health() -> ReplicaHealth:
    """The replica's health, probed again once the last answer is
    ``HELPDESK_REPLICA_CHECK_SECONDS`` old."""
    global _last
    last = _last
    if (
        last is not None
        and time.monotonic() - last.checked_at < settings.HELPDESK_REPLICA_CHECK_SECONDS
    ):
        return last
    # Only the first probe of the process is waited for; later, another
    # thread's probe in flight leaves this one on the last answer.
    if not _probing.acquire(blocking=last is None):
        assert last is not None
        return last
    try:
        health = replica_probe()
        if not health.usable and (last is None or last.usable):
            logger.warning("Replica degraded, reads go to the primary: %s", health.reason)
        elif health.usable and last is not None and not last.usable:
            logger.info("Replica usable again")
        _last = health
    finally:
        _probing.release()
    return health


def replica_mark_down(error: BaseException) -> None:
    """The replica failed a request now: reads go to the primary until the next probe."""
    global _last
    _close_replica()
    was_usable = _last is None or _last.usable
    _last = ReplicaHealth(
        False, f"the replica cannot be read: {error}".strip()[:200], time.monotonic()
    )
    if was_usable:
        logger.warning("Replica degraded: %s", _last.reason)


def replica_forget() -> None:
    """Probe again at the next ask (tests, and a process that knows things changed)."""
    global _last
    _last = None


def _close_replica() -> None:
    with contextlib.suppress(Error):
        connections[REPLICA].close()
