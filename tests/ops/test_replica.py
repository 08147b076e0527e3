"""Read-only pages and API GETs read a real PostgreSQL streaming replica, and a
user who just wrote reads the primary (issue 15): two private clusters on
loopback, the replica built by pg_basebackup and paused mid-test."""

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


@pytest.fixture
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


def test_reads_follow_the_replica_and_writers_read_their_writes(primary_and_replica):
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/10", socket_connect_timeout=1).ping()
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
        "CACHE_URL": "redis://127.0.0.1:6379/10",
        "HELPDESK_REPLICA_MAX_LAG_SECONDS": "1",
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
    seen = json.loads(run.stdout.strip().splitlines()[-1])

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
    # Readiness sees the paused replica fall behind what the primary wrote.
    assert seen["readiness_while_behind"][0] is False
    assert "behind the primary" in seen["readiness_while_behind"][1]["replica"]
    assert seen["bob_page_after_resume"] == ["Printer jams", "Written while the replica lags"]
