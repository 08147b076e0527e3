"""Plain text (.txt, .csv): decoded as its byte-order mark says, else UTF-8, else cp1252.

Text is accepted when it decodes as UTF-8 (with or without a BOM), as UTF-16
or UTF-32 with a BOM, or as Windows-1252, and then holds no control
characters but tab, line breaks, form feed and escape (the colours of terminal
logs). UTF-16 without a BOM is refused: nothing tells its byte order, and its
NUL bytes look like binary data. Text that opens like a web page is refused: it
would be a page in disguise.
"""

from __future__ import annotations

import codecs
import re

import puremagic
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tickets.attachments.inspect_common import NotThisType, Refused, read_all

# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
PAGE = re.compile(
    r"(?:\s|<\?xml[^>]{0,200}>|<!--.{0,2000}?-->)*"
    r"<(?:!doctype\s+html|html|head|body|script|svg|iframe)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
PAGE_WINDOW = 16384
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_SIGNATURES = (b"MZ", b"\x7fELF", b"%PDF-", b"PK\x03\x04", OLE2, b"\x89PNG", b"Rar!")


def decoded(data: bytes) -> str | None:
    """The text, or None when no accepted encoding decodes it."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _binary_format(head: bytes) -> bool:
    """A binary format's signature, confirmed by puremagic."""
    try:
        found = {match.extension.lstrip(".").lower() for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        return False
    found -= {"txt", "csv", "html", "htm", "xml", "svg", "json", ""}
    return bool(found) and head.startswith(BINARY_SIGNATURES)


def check_text(upload: UploadedFile, head: bytes) -> None:
    if _binary_format(head):
        raise NotThisType
    text = decoded(read_all(upload))
    # A final Ctrl-Z is how DOS-era programs still end their exports.
    if text is None or CONTROL.search(text.removesuffix("\x1a")):
        raise NotThisType
    if PAGE.match(text[:PAGE_WINDOW].lstrip("\ufeff")):
        raise Refused(_("is a web page (HTML), not plain text; it is not accepted"))
