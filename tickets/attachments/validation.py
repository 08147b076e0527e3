"""What may be attached, judged by the bytes and not by the name.

The rules of DESIGN.md ("Attachments"): the allowed types, 20 MB a file,
10 MB for jpg/jpeg/png, 10 files a message, nothing empty, and content that
matches the extension. Each type has its inspection (``CHECKS``): images are
decoded by Pillow, PDFs parsed by pypdf, archives listed (never extracted),
text decoded; see the ``inspect_*`` modules for their rules. A refusal names
the file and the rule.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tickets.attachments.inspect_archives import check_rar, check_tar, check_zip
from tickets.attachments.inspect_common import Check, NotThisType, Refused, megabytes
from tickets.attachments.inspect_images import image_check
from tickets.attachments.inspect_office import office_check, ole2_check
from tickets.attachments.inspect_pdf import check_pdf
from tickets.attachments.inspect_text import check_text

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
    return _(
        "Up to %(count)s files, %(mb)s MB each (%(image_mb)s MB for jpg and png). "
        "Allowed: %(kinds)s."
    ) % {
        "count": settings.HELPDESK_ATTACHMENT_MAX_FILES,
        "mb": mb,
        "image_mb": image_mb,
        "kinds": kinds,
    }


def safe_name(raw: str) -> str:
    """The user's file name, as a name only: no folders, no control characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return (name or "file")[:255]


def _limit_for(extension: str) -> int:
    if extension in ("jpg", "jpeg", "png"):
        return settings.HELPDESK_ATTACHMENT_IMAGE_MAX_BYTES
    return settings.HELPDESK_ATTACHMENT_MAX_BYTES


def _detected(head: bytes) -> set[str]:
    try:
        return {match.extension.lstrip(".").lower() for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        return set()


def _check_unknown(upload: UploadedFile, head: bytes) -> None:
    raise NotThisType  # an allowed type (a setting) with no inspection is never accepted


# How each allowed type is inspected; see the inspect_* modules for the rules.
CHECKS: dict[str, Check] = {
    "jpg": image_check("JPEG"),
    "jpeg": image_check("JPEG"),
    "png": image_check("PNG"),
    "gif": image_check("GIF"),
    "bmp": image_check("BMP"),
    "pdf": check_pdf,
    "doc": ole2_check("doc"),
    "xls": ole2_check("xls"),
    "docx": office_check("[Content_Types].xml", "word/"),
    "xlsx": office_check("[Content_Types].xml", "xl/"),
    "zip": check_zip,
    "rar": check_rar,
    "tar": check_tar,
    "txt": check_text,
    "csv": check_text,
}


def _looks_like(head: bytes) -> str:
    found = sorted(_detected(head) - {""})
    if not found:
        return ""
    return " " + _("(it looks like %(types)s)") % {"types": ", ".join("." + f for f in found[:3])}


def _inspect(name: str, extension: str, upload: UploadedFile) -> None:
    """Judge the content by its extension's inspection; raise the refusal naming the file."""
    upload.seek(0)
    head = upload.read(HEAD)
    try:
        CHECKS.get(extension, _check_unknown)(upload, head)
    except NotThisType:
        raise ValidationError(
            {
                "files": _(
                    "“%(name)s” is not a real .%(extension)s file%(looks_like)s; "
                    "its content must match its extension."
                )
                % {"name": name, "extension": extension, "looks_like": _looks_like(head)}
            }
        ) from None
    except Refused as refusal:
        # The refusal is a predicate ("is damaged…") written in the active language.
        raise ValidationError(
            {"files": _("“%(name)s” %(refusal)s.") % {"name": name, "refusal": refusal}}
        ) from None
    finally:
        upload.seek(0)


def check_files(uploads: list[UploadedFile]) -> list[CheckedFile]:
    """Check every file before anything is stored; raise on the first refusal.

    Raises ``ValidationError({"files": [...]})`` naming the file and the rule.
    """
    maximum = settings.HELPDESK_ATTACHMENT_MAX_FILES
    if len(uploads) > maximum:
        raise ValidationError(
            {
                "files": _(
                    "At most %(maximum)d files can be attached to one message; you chose %(count)d."
                )
                % {"maximum": maximum, "count": len(uploads)}
            }
        )
    allowed = set(settings.HELPDESK_ATTACHMENT_TYPES)
    checked = []
    for upload in uploads:
        name = safe_name(upload.name or "")
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension not in allowed:
            types = ", ".join(sorted(allowed))
            if extension:
                refusal = _("“%(name)s” is a .%(extension)s file; allowed types are: %(types)s.")
            else:
                refusal = _(
                    "“%(name)s” is a file without an extension; allowed types are: %(types)s."
                )
            raise ValidationError(
                {"files": refusal % {"name": name, "extension": extension, "types": types}}
            )
        size = upload.size or 0
        if size == 0:
            raise ValidationError({"files": _("“%(name)s” is empty.") % {"name": name}})
        limit = _limit_for(extension)
        if size > limit:
            raise ValidationError(
                {
                    "files": _(
                        "“%(name)s” is %(size)s MB; .%(extension)s files can be at most "
                        "%(limit)s MB."
                    )
                    % {
                        "name": name,
                        "size": megabytes(size),
                        "extension": extension,
                        "limit": megabytes(limit),
                    }
                }
            )
        _inspect(name, extension, upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
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
