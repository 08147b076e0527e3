"""What may be attached, judged by the bytes and not by the name.

The rules of DESIGN.md ("Attachments"): the allowed types, 20 MB a file,
10 MB for jpg/jpeg/png, 10 files a message, nothing empty, and content that
matches the extension (puremagic identifies the bytes; Office files are also
opened as the zip they are). A refusal names the file and the rule.
"""

from __future__ import annotations

import hashlib
import tarfile
import unicodedata
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "tar": "application/x-tar",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def limits_text() -> str:
    """The rules in words, shown next to every upload field."""
    mb = settings.HELPDESK_ATTACHMENT_MAX_BYTES // (1024 * 1024)
    image_mb = settings.HELPDESK_ATTACHMENT_IMAGE_MAX_BYTES // (1024 * 1024)
    kinds = ", ".join(settings.HELPDESK_ATTACHMENT_TYPES)
    return (
        f"Up to {settings.HELPDESK_ATTACHMENT_MAX_FILES} files, {mb} MB each "
        f"({image_mb} MB for jpg and png). Allowed: {kinds}."
    )


def safe_name(raw: str) -> str:
    """The user's file name, as a name only: no folders, no control characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return (name or "file")[:255]


def _limit_for(extension: str) -> int:
    if extension in ("jpg", "jpeg", "png"):
        return settings.HELPDESK_ATTACHMENT_IMAGE_MAX_BYTES
    return settings.HELPDESK_ATTACHMENT_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _detected(head: bytes) -> set[str]:
    try:
        return {match.extension.lstrip(".").lower() for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        return set()


def _zip_has(upload: UploadedFile, member_prefix: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return any(name.startswith(member_prefix) for name in names) if member_prefix else True


def _is_tar(upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        with tarfile.open(fileobj=upload, mode="r:") as archive:
            archive.next()
    except (tarfile.TarError, OSError, ValueError):
        return False
    return True


def _matches(extension: str, head: bytes, upload: UploadedFile, *, has_nul: bool) -> bool:
    found = _detected(head)
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff") and bool(found & {"jpg", "jpeg", "jfif", "jpe"})
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n") and "png" in found
    if extension == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a") and "gif" in found
    if extension == "bmp":
        return head.startswith(b"BM") and "bmp" in found
    if extension == "pdf":
        return b"%PDF-" in head[:1024] and "pdf" in found
    if extension in ("doc", "xls"):
        return head.startswith(OLE2)
    if extension == "docx":
        return head.startswith(b"PK") and _zip_has(upload, "word/")
    if extension == "xlsx":
        return head.startswith(b"PK") and _zip_has(upload, "xl/")
    if extension == "zip":
        return head.startswith(b"PK") and _zip_has(upload, "")
    if extension == "rar":
        return head.startswith(b"Rar!\x1a\x07") and "rar" in found
    if extension == "tar":
        return _is_tar(upload)
    if extension in ("txt", "csv"):
        # Plain text: no NUL byte anywhere, and no binary format hiding in it.
        binary = found - {"txt", "csv", "html", "htm", "xml", "svg", "json", ""}
        return not has_nul and not (binary and _strong_binary_match(head))
    return False


def _strong_binary_match(head: bytes) -> bool:
    return any(
        head.startswith(signature)
        for signature in (b"MZ", b"\x7fELF", b"%PDF-", b"PK\x03\x04", OLE2, b"\x89PNG", b"Rar!")
    )


def _looks_like(head: bytes) -> str:
    found = sorted(_detected(head) - {""})
    return f" (it looks like {', '.join('.' + f for f in found[:3])})" if found else ""


def check_files(uploads: list[UploadedFile]) -> list[CheckedFile]:
    """Check every file before anything is stored; raise on the first refusal.

    Raises ``ValidationError({"files": [...]})`` naming the file and the rule.
    """
    maximum = settings.HELPDESK_ATTACHMENT_MAX_FILES
    if len(uploads) > maximum:
        raise ValidationError(
            {
                "files": f"At most {maximum} files can be attached to one message; "
                f"you chose {len(uploads)}."
            }
        )
    allowed = set(settings.HELPDESK_ATTACHMENT_TYPES)
    checked = []
    for upload in uploads:
        name = safe_name(upload.name or "")
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension not in allowed:
            what = f"a .{extension} file" if extension else "a file without an extension"
            raise ValidationError(
                {"files": f"“{name}” is {what}; allowed types are: {', '.join(sorted(allowed))}."}
            )
        size = upload.size or 0
        if size == 0:
            raise ValidationError({"files": f"“{name}” is empty."})
        limit = _limit_for(extension)
        if size > limit:
            raise ValidationError(
                {
                    "files": f"“{name}” is {_megabytes(size)} MB; .{extension} files can be at "
                    f"most {_megabytes(limit)} MB."
                }
            )
        digest = hashlib.sha256()
        has_nul = False
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
            has_nul = has_nul or b"\x00" in chunk
        upload.seek(0)
        head = upload.read(HEAD)
        if not _matches(extension, head, upload, has_nul=has_nul):
            raise ValidationError(
                {
                    "files": f"“{name}” is not a real .{extension} file{_looks_like(head)}; "
                    "its content must match its extension."
                }
            )
        upload.seek(0)
        checked.append(
            CheckedFile(
                upload=upload,
                name=name,
                extension=extension,
                content_type=CONTENT_TYPES[extension],
                size=size,
                sha256=digest.hexdigest(),
            )
        )
    return checked
