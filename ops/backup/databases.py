"""The database half of a backup: a consistent snapshot out, a whole database in.

SQLite uses its online backup API, PostgreSQL ``pg_dump``/``pg_restore``; both
read while the site keeps writing. What else the backup needs (which stored
files the rows refer to, row counts, applied migrations) is read from the very
same snapshot, so the files and the rows of a backup always agree.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message is one line for an operator."""


# The dump's name inside a backup archive, per database vendor.
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Counted into the manifest and checked again after a restore.
COUNTED = (
    "accounts.Organization",
    "accounts.User",
    "tickets.Ticket",
    "tickets.Message",
    "tickets.Attachment",
)
# Rows that `migrate` writes by itself, and the operational records of ops/
# (heartbeats, task runs) that a worker writes even into a new database: they do
# not make a database "hold data" that a restore would destroy.
NOT_DATA = {
    "contenttypes.ContentType",
    "auth.Permission",
    # The default service levels migration tickets.0018 loads (a restore
    # replaces them with the backup's, as every table).
    "tickets.BusinessCalendar",
    "tickets.WorkingHours",
    "tickets.SlaPolicy",
    "tickets.SlaPolicyTarget",
}
NOT_DATA_APPS = {"ops"}


@dataclass
class Snapshot:
    """What a database snapshot holds, read from the snapshot itself."""

    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    migrations: list[list[str]] = field(default_factory=list)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every model: where storage names live."""
    columns = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                columns.append((model._meta.db_table, model_field.column))
    return sorted(set(columns))


def _read_snapshot(cursor: Any) -> Snapshot:
    """Read a snapshot's facts through a DB-API cursor (sqlite3's or Django's)."""
    snapshot = Snapshot()
    names: set[str] = set()
    for table, column in _file_columns():
        cursor.execute(
            f"SELECT DISTINCT {_quote(column)} FROM {_quote(table)} "  # noqa: S608 - our own names
            f"WHERE {_quote(column)} IS NOT NULL AND {_quote(column)} <> ''"
        )
        names.update(row[0] for row in cursor.fetchall())
    snapshot.files = sorted(names)
    for label in COUNTED:
        table = apps.get_model(label)._meta.db_table
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - our own names
        snapshot.counts[label] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    snapshot.migrations = [[app, name] for app, name in cursor.fetchall()]
    return snapshot


def database_snapshot(*, connection: BaseDatabaseWrapper, path: Path) -> Snapshot:
    """Write a consistent copy of the database to ``path`` without stopping writers.

    Must run outside any transaction of ``connection`` (PostgreSQL opens its
    own, read-only). Raises ``BackupError`` when the database cannot be read.
    """
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(connection, path)
    if connection.vendor == "postgresql":
        return _postgres_snapshot(connection, path)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def database_restore(*, connection: BaseDatabaseWrapper, dump: IO[bytes]) -> None:
    """Replace the database's contents with the dump read from ``dump``.

    Every table the dump holds is dropped and recreated (SQLite: the whole
    file's contents). Other processes should be stopped; the caller checks
    first that nothing it would overwrite holds data.
    """
    connection.close()
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, dump)
    elif connection.vendor == "postgresql":
        _postgres_restore(connection, dump)
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    connection.close()


def database_rows(*, connection: BaseDatabaseWrapper) -> list[str]:
    """Labels of the models whose tables hold rows; empty for a new or just-migrated database."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in tables:
            continue
        if meta.label in NOT_DATA or meta.app_label in NOT_DATA_APPS:
            continue
        if model._base_manager.using(connection.alias).exists():
            found.append(meta.label)
    return sorted(found)


# SQLite


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


def _sqlite_snapshot(connection: BaseDatabaseWrapper, path: Path) -> Snapshot:
    source_path = _sqlite_path(connection)
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path}: nothing to back up.")
    # One step (pages=-1) holds one read transaction: a consistent copy, while
    # writers go on in WAL mode.
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
        # A single self-contained file, whatever the live database's journal mode.
        target.execute("PRAGMA journal_mode=DELETE")
        return _read_snapshot(target.cursor())


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: IO[bytes]) -> None:
    target_path = _sqlite_path(connection)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    # SQLite reads only files: the dump goes beside the database, then the
    # backup API copies it in page by page under the database's own lock, so a
    # leftover -wal file can never be replayed over the restored pages.
    with tempfile.TemporaryDirectory(dir=target_path.parent, prefix=".restore-") as work:
        copy = Path(work) / "database.sqlite3"
        with copy.open("wb") as handle:
            shutil.copyfileobj(dump, handle)
        with (
            closing(sqlite3.connect(copy)) as source,
            closing(sqlite3.connect(target_path, timeout=30)) as target,
        ):
            try:
                source.backup(target)
            except sqlite3.DatabaseError as error:
                raise BackupError(f"SQLite could not restore the database: {error}") from error


# PostgreSQL


def _pg_command(
    program: str, connection: BaseDatabaseWrapper, options: list[str]
) -> tuple[list[str], dict[str, str]]:
    """Arguments and environment to run a PostgreSQL client tool on the connection's database.

    Django's own ``dbshell`` helper supplies the environment (password, TLS
    files, service), so the tools connect exactly as the site does.
    """
    settings_dict = connection.settings_dict
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client tools "
            "(Debian: postgresql-client) of the server's major version or newer."
        )
    args = [executable, *options, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    if settings_dict.get("NAME"):
        args.append(f"--dbname={settings_dict['NAME']}")
    _, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    return args, {**os.environ, **(env or {})}


def _failure(program: str, stderr: bytes) -> BackupError:
    lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return BackupError(f"{program} failed: {lines[-1] if lines else 'no message'}")


def _postgres_snapshot(connection: BaseDatabaseWrapper, path: Path) -> Snapshot:
    if connection.in_atomic_block:
        raise BackupError("A backup must not run inside a transaction.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump joins this transaction's snapshot, and the facts below are
        # read in it too: the dump and the list of files describe one moment.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        args, env = _pg_command(
            "pg_dump",
            connection,
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={path}",
            ],
        )
        done = subprocess.run(args, env=env, capture_output=True, check=False)  # noqa: S603
        if done.returncode:
            raise _failure("pg_dump", done.stderr)
        return _read_snapshot(cursor)


def _postgres_restore(connection: BaseDatabaseWrapper, dump: IO[bytes]) -> None:
    args, env = _pg_command(
        "pg_restore",
        connection,
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ],
    )
    # The dump streams in through stdin (no copy on disk); pg_restore commits
    # only at its end, so a failure leaves the database as it was.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603
            args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env
        )
        assert process.stdin is not None
        try:
            shutil.copyfileobj(dump, process.stdin, 1024 * 1024)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        finally:
            with suppress(BrokenPipeError):
                process.stdin.close()
        if process.wait():
            errors.seek(0)
            raise _failure("pg_restore", errors.read())
