"""PostgreSQL clusters of a test's own: initdb on a free port, and streaming replicas.

Tests that stop, freeze or replicate a server cannot use the suite's shared
one; these start their own from PostgreSQL's server programs (``POSTGRES_BIN``
or the newest under /usr/lib/postgresql), as the postgres user when run as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest


def _postgres_bin() -> Path:
    if os.environ.get("POSTGRES_BIN"):
        return Path(os.environ["POSTGRES_BIN"])
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return installed[-1] if installed else Path("/nonexistent")


POSTGRES_BIN = _postgres_bin()
RUN_AS = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

needs_server_programs = pytest.mark.skipif(
    not (POSTGRES_BIN / "initdb").exists() or (RUN_AS and shutil.which("runuser") is None),
    reason="needs PostgreSQL's server programs (set POSTGRES_BIN)",
)


class PostgresServer:
    """initdb into a folder of the test's own, served on a free port."""

    def __init__(self, folder: Path, *, primary: PostgresServer | None = None) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        folder.mkdir(mode=0o700)
        if RUN_AS:
            shutil.chown(folder.parent, "postgres", "postgres")
            shutil.chown(folder, "postgres", "postgres")
        self.data = folder / "data"
        if primary is None:
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        else:
            # A streaming replica: a base backup of the primary that follows it (-R).
            self._run(
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.data),
                "-R",
                "-X",
                "stream",
            )

    @classmethod
    def attach(cls, folder: Path, port: int) -> PostgresServer:
        """The server another process made in ``folder`` (to stop or start it)."""
        server = cls.__new__(cls)
        server.folder, server.data, server.port = folder, folder / "data", port
        return server

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

    def url_for(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        return self.url_for()
