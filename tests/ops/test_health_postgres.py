"""Readiness with a PostgreSQL of the test's own, stopped and hung for real."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.workers import wait_for


def _postgres_bin() -> Path:
    if os.environ.get("POSTGRES_BIN"):
        return Path(os.environ["POSTGRES_BIN"])
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return installed[-1] if installed else Path("/nonexistent")


POSTGRES_BIN = _postgres_bin()
RUN_AS = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

pytestmark = pytest.mark.skipif(
    not (POSTGRES_BIN / "initdb").exists() or (RUN_AS and shutil.which("runuser") is None),
    reason="needs PostgreSQL's server programs (set POSTGRES_BIN)",
)


class PostgresServer:
    """initdb into a folder of the test's own, served on a free port."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        folder.mkdir(mode=0o700)
        if RUN_AS:
            shutil.chown(folder.parent, "postgres", "postgres")
            shutil.chown(folder, "postgres", "postgres")
        self.data = folder / "data"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*RUN_AS, str(POSTGRES_BIN / program), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.folder / "log"),
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


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
