"""The databases: SQLite under var/ unless DATABASE_URL names another, and a
PostgreSQL streaming replica when DATABASE_REPLICA_URL names one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from helpdesk.env import env_bool, env_int, env_str


def _parse(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            # A connection is kept for a minute and reused by the process's next
            # requests (opening one per request made the queue 1.56x slower), and
            # checked before each reuse, so one the database dropped is replaced.
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the web server and the worker share the file.
        config["OPTIONS"] = {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A database host that stops answering (not refusing) must fail a request or
        # a readiness probe within seconds, not after the system's TCP timeout.
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
        if env_bool("DATABASE_PREPARED_STATEMENTS", False):
            # Opt-in: parameters travel apart from the SQL, and a statement a
            # kept connection runs five times is prepared and its plan reused.
            # It saves the planning of joins (1.4 ms of the ticket page's 1.6),
            # but PostgreSQL then settles on a generic plan for full-text
            # search, which made search in one organisation 7x slower at 1M
            # tickets: off by default. Never behind a pooler in transaction
            # mode (PgBouncer before 1.21), which cannot keep prepared statements.
            config["OPTIONS"].setdefault("server_side_binding", True)
            config["OPTIONS"].setdefault("prepare_threshold", 5)
    return config


def databases(var_dir: Path) -> dict[str, dict[str, Any]]:
    """``DATABASES``: ``default``, and ``replica`` when DATABASE_REPLICA_URL is set."""
    default = env_str("DATABASE_URL", f"sqlite:///{var_dir / 'helpdesk.sqlite3'}")
    result = {"default": _parse(default)}
    if env_str("DATABASE_REPLICA_URL"):
        result["replica"] = _parse(env_str("DATABASE_REPLICA_URL"))
        # A test run never creates a database on the read-only replica.
        result["replica"]["TEST"] = {"MIRROR": "default"}
    return result


def replica_pin_seconds() -> int:
    """After a write, that client reads the primary this long; more than the replica's lag."""
    return env_int("DATABASE_REPLICA_PIN_SECONDS", 5)
