"""Back up the whole desk into one file, and restore it into an empty database.

A backup holds a consistent snapshot of the database and every stored file its
rows refer to (attachments), each with its SHA-256, and is taken while the
site runs. A restore checks the whole file before it changes anything, then
replaces the database and puts every file back into storage under its name.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ops.backup.archive import (
    MEDIA,
    digest,
    manifest_add,
    manifest_read,
    member_add,
    member_open,
    member_verify,
)
from ops.backup.databases import (
    COUNTED,
    MEMBERS,
    BackupError,
    database_restore,
    database_rows,
    database_snapshot,
)


class RestoreRefused(BackupError):
    """The target database holds data and the caller did not ask to replace it."""

    def __init__(self, tables: list[str], *, using: str):
        self.tables = tables
        shown = []
        for model in map(apps.get_model, COUNTED):
            if model._meta.label in tables:
                count = model._base_manager.using(using).count()
                noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
                shown.append(f"{count} {noun}")
        others = len(set(tables) - set(COUNTED))
        if others:
            shown.append(f"rows in {others} more table{'s' if others > 1 else ''}")
        listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
        super().__init__(f"the database already holds data ({listed})")


@dataclass
class BackupReport:
    path: Path
    size: int
    counts: dict[str, int]
    files: int
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    created_at: str
    counts: dict[str, int]
    files_written: int
    files_present: int
    missing: list[str]
    pending_migrations: int
    unknown_migrations: list[str]


def backup_path(output: Path | None, *, now=None) -> Path:
    """Where a backup goes: ``output`` if it names a file, else a timestamped name in it
    (default ``var/backups/``)."""
    name = f"helpdesk-{(now or timezone.now()):%Y%m%d-%H%M%S}.tar"
    if output is None:
        return Path(settings.VAR_DIR) / "backups" / name
    if output.is_dir():
        return output / name
    return output


def backup_create(*, output: Path | None = None, using: str = "default") -> BackupReport:
    """Write a backup of database ``using`` and its files; returns what it holds.

    Runs beside the live site (readers and writers go on). The file appears
    under its final name only when complete, readable by its owner only (it
    holds password hashes and tokens). Files the database refers to but the
    storage lacks are recorded as missing, not fatal: a backup must still be
    possible on a desk that has already lost a file.
    """
    connection = connections[using]
    member = MEMBERS.get(connection.vendor)
    if member is None:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    now = timezone.now()
    target = backup_path(output, now=now)
    if target.exists():
        raise BackupError(f"{target} exists already: name another file.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    mtime = int(now.timestamp())
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".helpdesk-backup-") as work:
            dump = Path(work) / member
            snapshot = database_snapshot(connection=connection, path=dump)
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive,
            ):
                size = dump.stat().st_size
                with dump.open("rb") as handle:
                    sha256 = member_add(archive, name=member, source=handle, size=size, mtime=mtime)
                dump.unlink()  # the archive has it; free the space before the files
                # After the snapshot, not inside it: stored files are never rewritten
                # (random keys), so the bytes read now are those the rows refer to.
                files, missing = _files_add(archive, snapshot.files, mtime=mtime)
                manifest_add(
                    archive,
                    {
                        "created_at": now.isoformat(),
                        "database": {
                            "vendor": connection.vendor,
                            "member": member,
                            "size": size,
                            "sha256": sha256,
                        },
                        "counts": snapshot.counts,
                        "migrations": snapshot.migrations,
                        "files": files,
                        "missing_files": missing,
                    },
                    mtime=mtime,
                )
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        path=target,
        size=target.stat().st_size,
        counts=snapshot.counts,
        files=len(files),
        missing=missing,
    )


def _files_add(
    archive: tarfile.TarFile, names: list[str], *, mtime: int
) -> tuple[list[dict[str, Any]], list[str]]:
    files: list[dict[str, Any]] = []
    missing: list[str] = []
    for name in names:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError:
            missing.append(name)
            continue
        with handle:
            size = handle.size
            sha256 = member_add(archive, name=MEDIA + name, source=handle, size=size, mtime=mtime)
        files.append({"name": name, "size": size, "sha256": sha256})
    return files, missing


def backup_restore(*, source: Path, force: bool = False, using: str = "default") -> RestoreReport:
    """Restore the backup at ``source`` into database ``using`` and the default storage.

    Refuses (``RestoreRefused``, nothing changed) when the database holds data,
    unless ``force``. Checks every checksum before it changes anything, so a
    damaged backup raises ``BackupError`` and leaves all as it was. Stored files
    already present with the same bytes are kept. Stop the web server and the
    workers first: the database is replaced under them.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A restore must not run inside a transaction.")
    label = str(source)
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    try:
        archive = tarfile.open(source, "r:")  # noqa: SIM115 - closed by the `with` below
    except tarfile.TarError as error:
        raise BackupError(f"{label} is not a Helpdesk backup (not a tar file).") from error
    with archive:
        manifest = manifest_read(archive, label=label)
        database = manifest["database"]
        if database["vendor"] != connection.vendor:
            raise BackupError(
                f"{label} holds a {database['vendor']} database and this site runs on "
                f"{connection.vendor}: restore it into a site on {database['vendor']}."
            )
        occupied = database_rows(connection=connection)
        if occupied and not force:
            raise RestoreRefused(occupied, using=using)
        member_verify(archive, database["member"], sha256=database["sha256"], label=label)
        for entry in manifest["files"]:
            member_verify(archive, MEDIA + entry["name"], sha256=entry["sha256"], label=label)

        database_restore(
            connection=connection, dump=member_open(archive, database["member"], label=label)
        )
        written, present = _files_restore(archive, manifest["files"], label=label)

    counts = {
        model: apps.get_model(model)._base_manager.using(using).count()
        for model in manifest["counts"]
    }
    if counts != manifest["counts"]:
        raise BackupError(
            f"The restored database does not hold what {label} recorded: "
            f"{counts} instead of {manifest['counts']}."
        )
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unknown = set(executor.loader.applied_migrations) - set(executor.loader.disk_migrations)
    return RestoreReport(
        created_at=manifest["created_at"],
        counts=counts,
        files_written=written,
        files_present=present,
        missing=manifest["missing_files"],
        pending_migrations=len(pending),
        unknown_migrations=sorted(f"{app}.{name}" for app, name in unknown),
    )


def _files_restore(
    archive: tarfile.TarFile, files: list[dict[str, Any]], *, label: str
) -> tuple[int, int]:
    """Put each file back under its own name; returns (written, already present)."""
    written = present = 0
    for entry in files:
        name = entry["name"]
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                if digest(existing)[0] == entry["sha256"]:
                    present += 1
                    continue
            default_storage.delete(name)  # the restored row names these bytes, not those
        content = File(member_open(archive, MEDIA + name, label=label), name=name)
        saved = default_storage.save(name, content)
        if saved != name:
            raise BackupError(f"The storage kept {name} as {saved}; the database names {name}.")
        written += 1
    return written, present
