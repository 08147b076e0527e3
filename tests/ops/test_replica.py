"""Read-only pages and API GETs read a real PostgreSQL streaming replica, and a
user who just wrote reads the primary (issue 15); a replica that lags too far
or stops is not read, and the site stays ready: two private clusters on
loopback, the replica built by pg_basebackup, paused, stopped and started
mid-test."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.pgcluster import PostgresServer, needs_server_programs

pytestmark = needs_server_programs


@pytest.fixture(scope="module")
def primary_and_replica():
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-replica-"))
    servers: list[PostgresServer] = []
    try:
        primary = PostgresServer(folder / "primary")
        servers.append(primary)
        primary.start()
        replica = PostgresServer(folder / "replica", primary=primary)
        servers.append(replica)
        replica.start()
        yield primary, replica
    finally:
        for server in reversed(servers):
            with contextlib.suppress(subprocess.CalledProcessError):
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# The scenario empties its cache: the run's own Redis database when it names one.
CACHE_URL = os.environ.get("CACHE_URL", "").startswith("redis://") and os.environ["CACHE_URL"]
SCENARIO_CACHE_URL = CACHE_URL or "redis://127.0.0.1:6379/10"


@pytest.fixture(scope="module")
def replica_scenario(primary_and_replica) -> dict:
    """What ``replica_scenario.py`` saw, run once against the two clusters."""
    try:
        redis.Redis.from_url(SCENARIO_CACHE_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (a replica needs a shared cache)")
    primary, replica = primary_and_replica
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": primary.url,
        "DATABASE_REPLICA_URL": replica.url,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_REPLICA_PIN_SECONDS": "3",
        # The API client's pin lives in the shared cache (a replica requires one).
        "CACHE_URL": SCENARIO_CACHE_URL,
        "HELPDESK_REPLICA_MAX_LAG_SECONDS": "1",
        "HELPDESK_REPLICA_CHECK_SECONDS": "2",
        "REPLICA_FOLDER": str(replica.folder),
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.ops.replica_scenario"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_reads_follow_the_replica_and_writers_read_their_writes(replica_scenario):
    seen = replica_scenario
    assert seen["bob_api_first_use"] == ["Printer jams"]
    assert seen["readiness"] == [True, {"database": "ok", "replica": "ok"}]
    assert seen["replica_paused"] is True
    # A login is a write: the browser is pinned to the primary, where its new
    # session is (read from the replica it would be logged out).
    assert seen["alice_login_status"] == 302
    assert seen["alice_pinned_by_cookie"] is True
    assert seen["alice_after_login"] == {"status": 200, "subjects": ["Printer jams"]}
    # An API client keeps no cookie: its token pins it, so it sees what it wrote.
    assert seen["api_create_status"] == 201
    assert seen["alice_api_after_write"] == ["Printer jams", "Written while the replica lags"]
    # Someone who wrote nothing reads the replica: the paused replica lacks the new ticket.
    assert seen["bob_page_while_paused"] == ["Printer jams"]
    assert seen["bob_api_while_paused"] == ["Printer jams"]
    assert seen["outside_request"] is True
    assert seen["readiness_within_lag"] == [True, {"replica": "ok"}]


def test_a_lagging_or_stopped_replica_is_not_read_and_the_site_stays_ready(replica_scenario):
    seen = replica_scenario
    written = ["Printer jams", "Written while the replica lags"]
    # Past the allowed lag: reads go to the primary, which has the new ticket.
    assert seen["bob_page_lagging"] == written
    assert seen["bob_page_lagging_served_by"]["replica"] == 0
    assert seen["bob_page_lagging_served_by"]["default"] > 0
    assert seen["bob_api_lagging"] == written
    lagging = seen["ready_lagging"]
    assert (lagging["status"], lagging["ready"]) == (200, True)
    assert lagging["checks"]["replica"].startswith("degraded: the replica is ")
    assert lagging["checks"]["replica"].endswith(" s behind the primary")
    assert lagging["checks"]["database"] == "ok"
    # Caught up again: read again, and "ok".
    assert seen["bob_page_after_resume"] == written
    assert seen["bob_page_after_resume_served_by"]["replica"] > 0
    assert seen["ready_after_resume"]["checks"]["replica"] == "ok"
    # Stopped between requests while the kept health still said "ok".
    assert seen["health_kept_when_stopped"] is True
    assert seen["bob_page_replica_stopped"] == {"status": 200, "subjects": written}
    assert seen["bob_page_replica_stopped_served_by"]["replica"] == 0
    assert seen["bob_api_replica_stopped"] == written
    stopped = seen["ready_replica_stopped"]
    assert (stopped["status"], stopped["ready"]) == (200, True)
    assert stopped["checks"]["replica"].startswith("degraded: the replica cannot be read")
    # Started again, it is read again at the next probe.
    assert seen["bob_page_restarted_served_by"]["replica"] > 0
    # Stopped in the middle of a request: the page is answered from the primary.
    assert seen["bob_page_replica_died_mid_request"] == {
        "status": 200,
        "subjects": written,
        "replica_stopped": 1,
    }
    assert seen["ready_after_death"]["status"] == 200
    assert seen["ready_after_death"]["checks"]["replica"].startswith("degraded: ")
