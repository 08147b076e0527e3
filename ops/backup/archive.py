"""The backup file: one uncompressed tar an operator can copy off the machine.

Members: the database dump (``database.sqlite3`` or ``database.pgdump``, itself
compressed for PostgreSQL), every stored file the database refers to under
``media/<storage name>``, and ``manifest.json`` last, with the SHA-256 of each.
Uncompressed because attachments mostly are compressed already, and so that
``tar tf`` lists it quickly.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from typing import IO, Any

from ops.backup.databases import BackupError

FORMAT = "helpdesk-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
CHUNK = 1024 * 1024


class HashingReader(io.RawIOBase):
    """Reads through ``source`` and keeps the SHA-256 and length of what passed."""

    def __init__(self, source: IO[bytes]):
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self.source.read(-1 if size is None else size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def digest(source: IO[bytes]) -> tuple[str, int]:
    """SHA-256 (hex) and length of everything ``source`` still has to read."""
    reader = HashingReader(source)
    while reader.read(CHUNK):
        pass
    return reader.sha256.hexdigest(), reader.size


def member_add(
    archive: tarfile.TarFile, *, name: str, source: IO[bytes], size: int, mtime: int
) -> str:
    """Add ``size`` bytes of ``source`` as ``name``; returns their SHA-256."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    reader = HashingReader(source)
    archive.addfile(info, reader)
    return reader.sha256.hexdigest()


def manifest_add(archive: tarfile.TarFile, manifest: dict[str, Any], *, mtime: int) -> None:
    data = json.dumps({"format": FORMAT, "version": VERSION, **manifest}, indent=1).encode()
    member_add(archive, name=MANIFEST, source=io.BytesIO(data), size=len(data), mtime=mtime)


def manifest_read(archive: tarfile.TarFile, *, label: str) -> dict[str, Any]:
    """The manifest of a backup; ``BackupError`` if ``archive`` is no backup we can read."""
    try:
        handle = archive.extractfile(MANIFEST)
        manifest = json.load(handle) if handle else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{label} is not a Helpdesk backup (it has no {MANIFEST}).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{label} is a backup of format {manifest.get('version')}; "
            f"this release reads format {VERSION}."
        )
    return manifest


def member_open(archive: tarfile.TarFile, name: str, *, label: str) -> IO[bytes]:
    """A member's bytes; ``BackupError`` when the backup lacks it."""
    try:
        handle = archive.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"{label} is incomplete: it has no {name}.")
    return handle


def member_verify(archive: tarfile.TarFile, name: str, *, sha256: str, label: str) -> None:
    """Read a member through and compare it with the manifest's checksum."""
    found, _ = digest(member_open(archive, name, label=label))
    if found != sha256:
        raise BackupError(f"{label} is damaged: {name} does not match its checksum.")
