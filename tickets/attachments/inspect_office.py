"""Office files: the right kind of document, and no macros.

``.doc`` and ``.xls`` are Compound Files (OLE2), read with olefile: the file
must parse and hold the main stream of its kind (``WordDocument``; ``Workbook``
or ``Book``). ``.docx`` and ``.xlsx`` are zips, judged as archives first.

Macros are refused in both: a VBA project (a ``VBA`` storage or a
``_VBA_PROJECT`` stream in an OLE2 file, ``vbaProject.bin`` in a zip) is how
documents carry code that runs when opened, the commonest malware sent to a
support desk. Files of the macro-free formats never need one, and the
refusal says how to attach the document anyway.
"""

from __future__ import annotations

from functools import partial

import olefile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.attachments.inspect_archives import check_zip
from tickets.attachments.inspect_common import Check, NotThisType, Refused

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACROS = gettext_lazy(
    "contains macros (a Visual Basic project), and files with macros are not accepted; "
    "save it without macros%(hint)s and attach it again"
)
# The main stream of each kind; one of them must be there.
MAIN_STREAMS = {"doc": ("worddocument",), "xls": ("workbook", "book")}


def _has_vba(paths: list[list[str]]) -> bool:
    return any(
        part.lower() in ("vba", "_vba_project", "_vba_project_cur")
        for path in paths
        for part in path
    )


def check_ole2(upload: UploadedFile, head: bytes, *, kind: str) -> None:
    if not head.startswith(OLE2_SIGNATURE):
        raise NotThisType
    upload.seek(0)
    try:
        with olefile.OleFileIO(upload) as document:
            paths = document.listdir(streams=True, storages=True)
    except Exception:  # noqa: BLE001 - olefile reports a broken file with many exception types
        raise NotThisType from None
    top = {path[0].lower() for path in paths if len(path) == 1}
    if not top.intersection(MAIN_STREAMS[kind]):
        raise NotThisType
    if _has_vba(paths):
        raise Refused(MACROS % {"hint": _(" (as .%(extension)s)") % {"extension": f"{kind}x"}})


def check_ooxml(upload: UploadedFile, head: bytes, *, required: tuple[str, ...]) -> None:
    names = check_zip(upload, head, required=required)
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
        raise Refused(MACROS % {"hint": ""})


def ole2_check(kind: str) -> Check:
    return partial(check_ole2, kind=kind)


def office_check(*required: str) -> Check:
    return partial(check_ooxml, required=required)
