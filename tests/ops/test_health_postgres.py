"""Readiness with a PostgreSQL of the test's own, stopped and hung for real."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.pgcluster import PostgresServer, needs_server_programs
from tests.workers import wait_for

pytestmark = needs_server_programs


def health(url: str) -> tuple[int, dict, float]:
    """``manage.py health --part database`` in a fresh process, as compose runs it."""
    environment = {**os.environ, "DATABASE_URL": url, "DATABASE_CONNECT_TIMEOUT": "2"}
    environment["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "manage.py", "health", "--part", "database"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    took = time.monotonic() - started
    start = run.stdout.find("{")
    return run.returncode, json.loads(run.stdout[start:]) if start >= 0 else {}, took


@pytest.fixture
def postgres():
    # Not under pytest's folder: the postgres user cannot enter root's.
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
    try:
        server = PostgresServer(folder / "pg")
        server.start()
        yield server
        try:
            os.kill(server.postmaster_pid(), signal.SIGCONT)
            server.stop()
        except (OSError, subprocess.CalledProcessError):
            pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_readiness_fails_when_postgres_stops_and_recovers_when_it_returns(postgres):
    code, checks, _ = health(postgres.url)
    assert (code, checks) == (0, {"database": "ok"})

    postgres.stop()
    code, checks, took = health(postgres.url)
    assert code != 0
    assert checks["database"].startswith("failing:")
    assert took < 30  # the whole process, Django's start included

    postgres.start()
    wait_for(
        lambda: health(postgres.url)[0] == 0, timeout=30, what="readiness after PostgreSQL returned"
    )


def test_readiness_fails_within_the_connect_timeout_when_postgres_hangs(postgres):
    # A host that stops answering (a partition, a frozen VM) does not refuse
    # the connection: without a connect timeout the probe waits for minutes.
    baseline = health(postgres.url)[2]
    os.kill(postgres.postmaster_pid(), signal.SIGSTOP)
    try:
        code, checks, took = health(postgres.url)
    finally:
        os.kill(postgres.postmaster_pid(), signal.SIGCONT)

    assert code != 0
    assert "timeout" in checks["database"].lower()
    assert took < baseline + 10  # the 2-second connect timeout, not the system's
