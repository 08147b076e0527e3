"""Images: walked chunk by chunk, then decoded by Pillow, within a pixel limit.

An image is accepted when its own structure (PNG chunks, JPEG segments, GIF
blocks, the BMP header) ends exactly where the file ends, it is at most
``HELPDESK_ATTACHMENT_MAX_PIXELS`` pixels, it holds no markup anywhere, and
Pillow both verifies and decodes it.

Bytes after the image's end are refused rather than cut off or the image
re-encoded: re-encoding would change the customer's file and its checksum
(what they sent is what support receives, byte for byte), and trailing data is
how image/HTML and image/archive polyglots (GIFAR) are made.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageSequence

from tickets.attachments.inspect_common import Check, NotThisType, Refused, has_markup, read_all

SIGNATURES = {
    "JPEG": (b"\xff\xd8\xff",),
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "GIF": (b"GIF87a", b"GIF89a"),
    "BMP": (b"BM",),
}
START_OF_FRAME = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
DAMAGED = gettext_lazy("is damaged or incomplete: it could not be read as an image")
# Frames of an animation are decoded until this many times the pixel limit;
# the rest were walked block by block, which is all a viewer needs of them.
DECODED_FRAMES_BUDGET = 4
GIF_MAX_BLOCKS = 500_000  # a 20 MB GIF in the usual 255-byte sub-blocks has 80,000
BMP_MAX_PADDING = 16  # some editors pad the pixel array with a few zero bytes


@dataclass(frozen=True)
class Shape:
    """What the structure walk found: where the image ends and its canvas size."""

    end: int
    width: int
    height: int


def max_pixels() -> int:
    # Never above Pillow's own decompression-bomb threshold: an image Pillow
    # would warn about is refused here before Pillow sees it.
    return min(settings.HELPDESK_ATTACHMENT_MAX_PIXELS, Image.MAX_IMAGE_PIXELS or 1 << 62)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".rstrip("0").rstrip(".")


def _unpack(fmt: str, data: bytes, offset: int) -> tuple:
    try:
        return struct.unpack_from(fmt, data, offset)
    except struct.error:
        raise Refused(DAMAGED) from None


def _png_shape(data: bytes) -> Shape:
    width, height = _unpack(">II", data, 16)
    pos = 8
    while True:
        length, kind = _unpack(">I4s", data, pos)
        pos += 12 + length  # length, type, data, CRC
        if pos > len(data):
            raise Refused(DAMAGED)
        if kind == b"IEND":
            return Shape(pos, width, height)


def _jpeg_entropy_end(data: bytes, pos: int) -> int:
    """Skip entropy-coded data: up to the next marker that is not a stuffed FF00 or a restart."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise Refused(DAMAGED)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


def _jpeg_end(data: bytes, pos: int, size: list[int]) -> int:
    """Where the JPEG stream starting at ``pos`` ends (after EOI); fills ``size`` from SOF."""
    pos += 2  # SOI
    while True:
        if pos >= len(data) or data[pos] != 0xFF:
            raise Refused(DAMAGED)
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= len(data):
            raise Refused(DAMAGED)
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return pos
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue  # markers without a length
        (length,) = _unpack(">H", data, pos)
        if length < 2 or pos + length > len(data):
            raise Refused(DAMAGED)
        if marker in START_OF_FRAME and not size:
            height, width = _unpack(">HH", data, pos + 3)
            size.extend((width, height))
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            pos = _jpeg_entropy_end(data, pos)


def _jpeg_shape(data: bytes) -> Shape:
    sizes: list[list[int]] = [[]]
    end = _jpeg_end(data, 0, sizes[0])
    # Cameras and phones store further pictures after the first one (a preview,
    # an HDR gain map: CIPA "MPF"); complete JPEG streams are allowed to follow.
    while end < len(data) and data.startswith(b"\xff\xd8\xff", end):
        sizes.append([])
        end = _jpeg_end(data, end, sizes[-1])
    if any(len(size) != 2 for size in sizes):
        raise Refused(DAMAGED)
    width, height = max(sizes, key=lambda size: size[0] * size[1])
    return Shape(end, width, height)


def _gif_sub_blocks(data: bytes, pos: int, budget: list[int]) -> int:
    while True:
        budget[0] -= 1
        if pos >= len(data) or budget[0] < 0:
            raise Refused(DAMAGED)
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos


def _gif_shape(data: bytes) -> Shape:
    width, height, flags = _unpack("<HHB", data, 6)
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    budget = [GIF_MAX_BLOCKS]
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            return Shape(pos + 1, width, height)
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _gif_sub_blocks(data, pos + 2, budget)
        elif block == 0x2C:  # image: descriptor, local colour table, LZW code size, data
            left, top, frame_width, frame_height, local = _unpack("<HHHHB", data, pos + 1)
            # A frame may reach past the declared screen; Pillow then grows the canvas.
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _gif_sub_blocks(data, pos, budget)
        else:
            raise Refused(DAMAGED)
    raise Refused(DAMAGED)


def _bmp_shape(data: bytes) -> Shape:
    (offset, header) = _unpack("<II", data, 10)
    if header == 12:  # OS/2 BITMAPCOREHEADER
        width, height, _planes, bits = _unpack("<HHHH", data, 18)
        compression = size_image = 0
    elif header >= 40:
        width, height, _planes, bits, compression, size_image = _unpack("<iiHHII", data, 18)
    else:
        raise Refused(DAMAGED)
    height = abs(height)
    if width <= 0 or height == 0:
        raise Refused(DAMAGED)
    if compression in (0, 3, 6):  # uncompressed rows, padded to 4 bytes
        end = offset + (width * bits + 31) // 32 * 4 * height
    else:
        end = offset + size_image
    if header >= 124 and _unpack("<I", data, 14 + 56)[0] == 0x4D424544:  # an embedded profile
        profile_offset, profile_size = _unpack("<II", data, 14 + 112)
        end = max(end, 14 + profile_offset + profile_size)
    if end > len(data):
        raise Refused(DAMAGED)
    if len(data) - end <= BMP_MAX_PADDING and not data[end:].strip(b"\x00"):
        end = len(data)
    return Shape(end, width, height)


WALKS = {"PNG": _png_shape, "JPEG": _jpeg_shape, "GIF": _gif_shape, "BMP": _bmp_shape}


def _check_pixels(width: int, height: int) -> None:
    limit = max_pixels()
    if width * height > limit:
        raise Refused(
            _(
                "is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
                "images can be at most %(limit)s megapixels"
            )
            % {
                "width": width,
                "height": height,
                "megapixels": _megapixels(width * height),
                "limit": _megapixels(limit),
            }
        )


def _decode(data: bytes, image_format: str) -> None:
    """Pillow verifies the file, then decodes its pixels (every frame, within a budget)."""
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            _check_pixels(*image.size)
            image.verify()
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            budget = DECODED_FRAMES_BUDGET * max_pixels()
            for frame in ImageSequence.Iterator(image):
                _check_pixels(*frame.size)
                frame.load()
                budget -= frame.size[0] * frame.size[1]
                if budget <= 0:
                    break
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - Pillow reports a broken file with many exception types
        raise Refused(DAMAGED) from None


def check_image(image_format: str, upload: UploadedFile, head: bytes) -> None:
    """Accept a PNG, JPEG, GIF or BMP (``image_format``, Pillow's name) as described above."""
    if not head.startswith(SIGNATURES[image_format]):
        raise NotThisType
    data = read_all(upload)
    if has_markup(data):
        raise Refused(
            _("has web page code (HTML or script) hidden in it; an image must be only an image")
        )
    shape = WALKS[image_format](data)
    _check_pixels(shape.width, shape.height)
    if shape.end < len(data):
        raise Refused(
            _(
                "has %(count)s bytes of other data after the end of the image; "
                "an image must be only an image"
            )
            % {"count": len(data) - shape.end}
        )
    _decode(data, image_format)


def image_check(image_format: str) -> Check:
    return partial(check_image, image_format)
