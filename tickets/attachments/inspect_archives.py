"""Archives (zip and the Office files that are zips, tar, rar): listed, never extracted.

Every entry's name, kind and declared size is read from the archive's own
directory. Refused: a name that is absolute or climbs out with ``..``; links
(symbolic or hard) and device files; more than
``HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES`` entries; a declared unpacked total
above ``HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES`` or, for archives that
unpack to more than a few megabytes, more than
``HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO`` times their own size; zip entries
that overlap (how a small zip bomb repeats one compressed block). Archives
inside archives are entries like any other: counted, not opened.
"""

from __future__ import annotations

import itertools
import re
import stat
import struct
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import rarfile
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tickets.attachments.inspect_common import NotThisType, Refused, megabytes

# Below this unpacked total the expansion ratio is not judged: a small file of
# repeated lines compresses a thousand times and harms no one.
RATIO_FLOOR = 16 * 1024 * 1024
# Named in English here, translated when a refusal names one.
SPECIAL = {
    stat.S_IFCHR: gettext_noop("a device"),
    stat.S_IFBLK: gettext_noop("a device"),
    stat.S_IFIFO: gettext_noop("a pipe"),
}
SPECIAL[stat.S_IFSOCK] = gettext_noop("a socket")
DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Entry:
    name: str
    size: int  # unpacked, as declared
    kind: str = "file"  # file, link or a SPECIAL name
    target: str = ""


def _name_problem(name: str) -> str | None:
    path = name.replace("\\", "/")
    if path.startswith("/") or DRIVE.match(path):
        return _(
            "contains “%(name)s”, an absolute path; archives must hold only relative paths"
        ) % {"name": name}
    if ".." in path.split("/"):
        return _(
            "contains “%(name)s”, which points outside the archive (“..”); it is not accepted"
        ) % {"name": name}
    if "\x00" in path:
        return _("contains a name with a NUL character; it is not accepted")
    return None


def _too_many(maximum: int) -> str:
    count = number_format(maximum, force_grouping=True)
    return _("has more than %(count)s entries; archives can have at most %(count)s") % {
        "count": count
    }


def _judge(entries: Iterator[Entry], archive_size: int) -> list[str]:
    """Apply the rules to the entries as they are listed; return their names."""
    maximum = settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES
    names: list[str] = []
    total = 0
    for entry in entries:
        if len(names) >= maximum:
            raise Refused(_too_many(maximum))
        problem = _name_problem(entry.name)
        if problem:
            raise Refused(problem)
        if entry.kind == "link":
            pointing = f" → “{entry.target}”" if entry.target else ""
            raise Refused(
                _("contains a link (“%(name)s”%(pointing)s); archives with links are not accepted")
                % {"name": entry.name, "pointing": pointing}
            )
        if entry.kind != "file":
            raise Refused(
                _("contains “%(name)s”, %(kind)s; it is not accepted")
                % {"name": entry.name, "kind": _(entry.kind)}
            )
        names.append(entry.name)
        total += entry.size
    _judge_size(total, archive_size)
    return names


def _judge_size(total: int, archive_size: int) -> None:
    limit = settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES
    if total > limit:
        raise Refused(
            _("would unpack to %(size)s MB; archives can unpack to at most %(limit)s MB")
            % {"size": megabytes(total), "limit": megabytes(limit)}
        )
    ratio = settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO
    if total > RATIO_FLOOR and total > ratio * max(archive_size, 1):
        raise Refused(
            _(
                "would unpack to %(times)s times its size; archives can expand at most "
                "%(ratio)s times"
            )
            % {
                "times": number_format(total // max(archive_size, 1), force_grouping=True),
                "ratio": ratio,
            }
        )


# --- zip -------------------------------------------------------------------------------------


def _declared_zip_entries(upload: UploadedFile, size: int) -> int:
    """The entry count of the end-of-directory record, read before zipfile parses the list."""
    tail_start = max(0, size - 65_557)  # the record (22 bytes) and a comment of at most 64 KB
    upload.seek(tail_start)
    tail = upload.read()
    record = tail.rfind(b"PK\x05\x06")
    if record < 0 or record + 22 > len(tail):
        return 0
    (count,) = struct.unpack_from("<H", tail, record + 10)
    return 0 if count == 0xFFFF else count  # 0xFFFF: the real count is in the zip64 record


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "link"
    return SPECIAL.get(stat.S_IFMT(mode), "file")


def _zip_entries(archive: zipfile.ZipFile) -> Iterator[Entry]:
    infos = archive.infolist()
    ends = sorted((info.header_offset, info.header_offset + info.compress_size) for info in infos)
    for (_start, end), (next_start, _next_end) in itertools.pairwise(ends):
        if end > next_start:
            raise Refused(_("has entries that overlap each other (a zip bomb); it is not accepted"))
    for info in infos:
        yield Entry(info.filename, info.file_size, _zip_kind(info))


def check_zip(upload: UploadedFile, head: bytes, *, required: tuple[str, ...] = ()) -> list[str]:
    """A zip; ``required``: name prefixes that must all be present (the parts of an Office file).

    Returns the entries' names.
    """
    if not head.startswith(b"PK"):
        raise NotThisType
    size = upload.size or 0
    maximum = settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES
    if _declared_zip_entries(upload, size) > maximum:
        raise Refused(_too_many(maximum))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = _judge(_zip_entries(archive), size)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - zipfile reports a broken file with many exception types
        raise NotThisType from None
    for prefix in required:
        if not any(name.startswith(prefix) for name in names):
            raise NotThisType
    return names


# --- tar -------------------------------------------------------------------------------------


def _tar_entries(archive: tarfile.TarFile, size: int) -> Iterator[Entry]:
    while (member := archive.next()) is not None:
        if member.issym() or member.islnk():
            yield Entry(member.name, 0, "link", member.linkname)
        elif member.ischr() or member.isblk():
            yield Entry(member.name, 0, "a device")
        elif member.isfifo():
            yield Entry(member.name, 0, "a pipe")
        else:
            if not member.issparse() and member.offset_data + member.size > size:
                raise Refused(_("is damaged or incomplete: an entry ends past the end of the file"))
            yield Entry(member.name, member.size)


def check_tar(upload: UploadedFile, head: bytes) -> None:
    size = upload.size or 0
    upload.seek(0)
    try:
        with tarfile.open(fileobj=upload, mode="r:") as archive:
            _judge(_tar_entries(archive, size), size)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - tarfile reports a broken file with many exception types
        raise NotThisType from None


# --- rar -------------------------------------------------------------------------------------


def _rar_kind(info: rarfile.RarInfo) -> tuple[str, str]:
    if info.is_symlink() or info.file_redir:  # RAR 5 links, junctions and file copies
        return "link", info.file_redir[2] if info.file_redir else ""
    if info.host_os == rarfile.RAR_OS_UNIX:
        return SPECIAL.get(stat.S_IFMT(info.mode or 0), "file"), ""
    return "file", ""


def _rar_entries(archive: rarfile.RarFile) -> Iterator[Entry]:
    for info in archive.infolist():
        kind, target = _rar_kind(info)
        yield Entry(info.filename or "", info.file_size or 0, kind, target)


def check_rar(upload: UploadedFile, head: bytes) -> None:
    """Listed by rarfile, which reads RAR 3 and 5 headers in pure Python (no unrar needed)."""
    if not head.startswith(b"Rar!\x1a\x07"):
        raise NotThisType
    size = upload.size or 0
    upload.seek(0)
    try:
        archive = rarfile.RarFile(upload)
    except rarfile.NeedFirstVolume:
        raise Refused(_("is a later part of a multi-part archive; attach the first part")) from None
    except Exception:  # noqa: BLE001 - rarfile reports a broken file with many exception types
        raise NotThisType from None
    if archive.needs_password() and not archive.infolist():
        raise Refused(
            _(
                "has an encrypted list of files, so it cannot be checked; "
                "attach it without encrypting the file names"
            )
        )
    _judge(_rar_entries(archive), size)
