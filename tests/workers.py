"""A real Celery worker process for delivery tests, and waiting without guessing.

The worker consumes from the configured broker (the filesystem transport by
default, Redis when CELERY_BROKER_URL says so), uses the test database, and
sends through whatever SMTP port it is given.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def worker_env(smtp_port: int, *, lease_seconds: int = 3) -> dict[str, str]:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        database_url = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        HELPDESK_VAR_DIR=str(settings.VAR_DIR),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        HELPDESK_EMAIL_RETRY_BASE_SECONDS="1",
        HELPDESK_EMAIL_LEASE_SECONDS=str(lease_seconds),
        HELPDESK_OUTBOX_GRACE_SECONDS="0",
        PYTHONPATH=str(ROOT),
    )
    return env


class Worker:
    def __init__(self, env: dict[str, str], *, beat_schedule: str | None = None) -> None:
        """``beat_schedule``: also run beat in the worker (``-B``), keeping its state there."""
        self.env = env
        self.beat = ["--beat", "--schedule", beat_schedule] if beat_schedule else []
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "--pool",
                "solo",
                "--queues",
                "default,email,maintenance",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                *self.beat,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._log: list[str] = []
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                text = line.decode(errors="replace")
                self._log.append(text)
                if " ready." in text:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(60), "the worker did not start:\n" + "".join(self._log)

    def kill(self) -> None:
        """As a crash would: no goodbye, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "".join(self._log)


def wait_for(condition, *, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def settle(seconds: float = 2.0) -> None:
    """Give a duplicate every chance to show up before counting."""
    time.sleep(seconds)


def broker_purge() -> int:
    """Empty every queue our tasks go to; returns how many messages were dropped.

    ``control.purge()`` empties only the queues the app declares (the default
    one): tasks routed to ``email`` and ``maintenance`` stayed behind on Redis.
    """
    from celery import current_app

    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    names.update(route["queue"] for route in settings.CELERY_TASK_ROUTES.values())
    dropped = 0
    with current_app.connection_for_write() as connection:
        channel = connection.default_channel
        for name in sorted(names):
            try:
                dropped += channel.queue_purge(name) or 0
            except Exception:  # noqa: BLE001 - a queue never declared is already empty
                continue
    return dropped
