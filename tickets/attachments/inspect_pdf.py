"""PDFs: parsed by pypdf, with at least one page, and nothing that runs or hides files.

A PDF is accepted when its ``%PDF-`` header is within the first 1024 bytes with
no markup before it, pypdf parses it and finds a page, and none of its objects
is a JavaScript or Launch action or an embedded file. Every object is read
once; the work is bounded by an object count and a time budget, and pypdf bounds
its own decompression and page-tree walks, so a hostile PDF cannot hold the
request.
"""

from __future__ import annotations

import io
import time

from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from tickets.attachments.inspect_common import NotThisType, Refused, read_all

HEADER_WINDOW = 1024  # viewers accept the header this far in; so do we
MAX_OBJECTS = 250_000  # a 20 MB PDF of text and drawings has some tens of thousands
MAX_ITEMS_PER_OBJECT = 200_000
SECONDS = 3.0  # per file; a message of ten such PDFs still answers within 30 s
DAMAGED = gettext_lazy("is damaged: it could not be read as a PDF")


def _reader(data: bytes) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except Exception:  # pypdf reports a broken file with many exception types
        if b"startxref" in data[-2048:]:
            raise
    # No cross-reference pointer at all (a file cut short, or written by hand):
    # viewers rebuild the table by scanning for objects, and pypdf does when
    # the pointer is wrong, so give it one.
    return PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)


def _unlocked(reader: PdfReader) -> None:
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise Refused(
            _("is protected by a password, so it cannot be checked; attach it without the password")
        )


def _finding(value: object) -> str | None:
    """What ``value`` (one object, with its direct sub-objects) does that we refuse, if anything.

    Dictionaries are read as stored (``dict.get``), so references are not
    followed here: each referenced object is read on its own turn.
    """
    stack = [value]
    items = 0
    while stack:
        item = stack.pop()
        items += 1
        if items > MAX_ITEMS_PER_OBJECT:
            raise Refused(_("is too complex to check (an object with too many parts)"))
        if isinstance(item, DictionaryObject):
            action, action_type = dict.get(item, "/S"), dict.get(item, "/Type")
            if action == "/JavaScript" or "/JS" in item or "/JavaScript" in item:
                return _("contains JavaScript; PDFs with scripts are not accepted")
            if action == "/Launch":
                return _("contains a Launch action (it could start a program); it is not accepted")
            if "/EF" in item or "/EmbeddedFiles" in item or action_type == "/EmbeddedFile":
                return _("contains embedded files; attach those files separately instead")
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None


def _object_ids(reader: PdfReader) -> list[tuple[int, int]]:
    ids = [(number, generation) for generation, table in reader.xref.items() for number in table]
    ids += [(number, 0) for number in reader.xref_objStm]
    if len(ids) > MAX_OBJECTS:
        raise Refused(
            _("is too complex to check (more than %(count)s objects)")
            % {"count": number_format(MAX_OBJECTS, force_grouping=True)}
        )
    return ids


def _scan(reader: PdfReader) -> None:
    deadline = time.monotonic() + SECONDS
    finding = _finding(reader.trailer)
    for number, generation in _object_ids(reader):
        if finding:
            raise Refused(finding)
        if time.monotonic() > deadline:
            raise Refused(_("is too complex to check (reading it took too long)"))
        finding = _finding(reader.get_object(IndirectObject(number, generation, reader)))
    if finding:
        raise Refused(finding)


def _has_a_page(reader: PdfReader) -> bool:
    """Whether the page tree declares pages and its first branch ends in a page.

    Cheaper than ``len(reader.pages)``, which copies every page of the tree.
    """
    node = _resolved(reader.root_object.get("/Pages"))
    count = _resolved(node.get("/Count")) if isinstance(node, DictionaryObject) else 0
    for _depth in range(100):
        if not isinstance(node, DictionaryObject):
            return False
        kids = _resolved(node.get("/Kids"))
        if kids is None:
            return isinstance(count, int) and count >= 1
        if not isinstance(kids, ArrayObject) or not kids:
            return False
        node = _resolved(list.__getitem__(kids, 0))
    return False


def _resolved(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def check_pdf(upload: UploadedFile, head: bytes) -> None:
    start = head.find(b"%PDF-", 0, HEADER_WINDOW)
    if start < 0:
        raise NotThisType
    if b"<" in head[:start]:
        raise Refused(_("has web page code (HTML) before its PDF header; it is not accepted"))
    data = read_all(upload)
    try:
        reader = _reader(data)
        _unlocked(reader)
        _scan(reader)
        if not _has_a_page(reader):
            raise Refused(_("has no pages"))
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - pypdf reports a broken file with many exception types
        raise Refused(DAMAGED) from None
