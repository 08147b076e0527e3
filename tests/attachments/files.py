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
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _ole2_entries(streams: dict[str, bytes]) -> list[dict]:
    """The directory entries: the root, a storage per folder, a stream per path."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    folders = {"": 0}
    for path, data in streams.items():
        parent = ""
        for part in path.split("/")[:-1]:
            here = f"{parent}/{part}" if parent else part
            if here not in folders:
                folders[here] = len(entries)
                entries[folders[parent]]["children"].append(len(entries))
                entries.append({"name": part, "type": 1, "children": [], "data": b""})
            parent = here
        entries[folders[parent]]["children"].append(len(entries))
        entries.append({"name": path.split("/")[-1], "type": 2, "children": [], "data": data})
    return entries


def ole2(streams: dict[str, bytes]) -> bytes:
    """A Compound File (what .doc and .xls are), version 3, built sector by sector.

    ``streams`` maps paths ("WordDocument", "Macros/VBA/dir") to contents;
    storages are made for the folders. Streams are padded to 4 KB, so all
    live in regular sectors and no mini stream is needed.
    """
    entries = _ole2_entries(streams)
    sector = 512
    directory_sectors = -(-len(entries) * 128 // sector)
    chains: list[int] = []  # the sector count of each stream, in entry order
    for entry in entries:
        if entry["type"] == 2:
            entry["data"] = entry["data"].ljust(
                max(4096, -(-len(entry["data"]) // sector) * sector), b"\0"
            )
            chains.append(len(entry["data"]) // sector)
    data_sectors = directory_sectors + sum(chains)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + data_sectors:
        fat_sectors += 1
    fat = [FAT_SECTOR] * fat_sectors
    start = fat_sectors

    def chain(length: int) -> int:
        first = len(fat)
        fat.extend(range(first + 1, first + length))
        fat.append(END)
        return first

    first_directory = chain(directory_sectors)
    for entry in entries:
        if entry["type"] == 2:
            entry["start"] = chain(len(entry["data"]) // sector)
    fat.extend([FREE] * (fat_sectors * 128 - len(fat)))

    directory = b""
    for entry in entries:
        children = entry["children"]
        siblings = {
            child: (children[i + 1] if i + 1 < len(children) else NONE)
            for i, child in enumerate(children)
        }
        entry["child"] = children[0] if children else NONE
        for child, right in siblings.items():
            entries[child]["right"] = right
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,  # black
            NONE,
            entry.get("right", NONE),
            entry["child"],
            b"",
            0,
            0,
            0,
            entry.get("start", END if entry["type"] == 5 else 0),
            len(entry["data"]),
        )
    directory = directory.ljust(directory_sectors * sector, b"\0")
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        OLE2_SIGNATURE,
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        fat_sectors,
        first_directory,
        0,
        4096,
        END,
        0,
        END,
        0,
        *difat,
    )
    assert start == fat_sectors
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    body += b"".join(entry["data"] for entry in entries if entry["type"] == 2)
    return header + body


WORD_97 = ole2({"WordDocument": b"\xec\xa5" + b"word text", "1Table": b"table"})
EXCEL_97 = ole2({"Workbook": b"\x09\x08" + b"biff8"})


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
    "letter.doc": WORD_97,
    "report.docx": ooxml("word/document.xml"),
    "notes.txt": "Grüße: the server said 502.\n".encode(),
    "export.csv": b"id,status\n1,open\n",
    "sheet.xls": EXCEL_97,
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
