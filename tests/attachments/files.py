"""Real, minimal files of every allowed type, made byte by byte."""

from __future__ import annotations

import base64
import io
import struct
import tarfile
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# 1 × 1 grey, baseline, with its Huffman tables and end marker: decodable in full.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4"
    "UG1RV19iZ2hnPk1xeXBkeFxlZ2P/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAA"
    "AAAAAAAAAAD/2gAIAQEAAD8AP//Z"
)
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def bmp() -> bytes:
    pixel = b"\x00\x00\xff\x00"  # one red pixel, padded to 4 bytes
    header = struct.pack("<2sIHHI", b"BM", 14 + 40 + len(pixel), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixel), 2835, 2835, 0, 0)
    return header + info + pixel


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
OLE2 = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 482
)


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(part, '<?xml version="1.0"?><root/>')
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("logs/app.log", "2026-11-22 error: disk full\n")
    return buffer.getvalue()


def tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"kernel: oops\n"
        info = tarfile.TarInfo("dmesg.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


RAR = b"Rar!\x1a\x07\x01\x00" + bytes.fromhex("33920be50a01050600050101808000") + b"\x00" * 32

REAL = {
    "screenshot.png": PNG,
    "photo.jpg": JPEG,
    "photo.jpeg": JPEG,
    "animation.gif": GIF,
    "scan.bmp": bmp(),
    "invoice.pdf": PDF,
    "letter.doc": OLE2,
    "report.docx": ooxml("word/document.xml"),
    "notes.txt": "Grüße: the server said 502.\n".encode(),
    "export.csv": b"id,status\n1,open\n",
    "sheet.xls": OLE2,
    "sheet.xlsx": ooxml("xl/workbook.xml"),
    "logs.zip": plain_zip(),
    "logs.rar": RAR,
    "logs.tar": tar(),
}

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "csv": "text/csv",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "tar": "application/x-tar",
}


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, REAL[name] if content is None else content)
