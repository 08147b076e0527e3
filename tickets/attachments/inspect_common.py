"""What the inspections of each kind of file share: how they refuse, and small readers.

An inspection raises ``NotThisType`` when the bytes are not the kind of file the
extension says (check_files words it "not a real .png file"), and ``Refused``
when the file is of its kind but breaks a rule; the text of ``Refused``
completes the sentence "“name” …", without the full stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile

# An inspection: the upload (seekable) and its first 8 KB; returns (anything) when the file may
# be stored.
Check = Callable[[UploadedFile, bytes], object]


class NotThisType(Exception):
    """The bytes are not the kind of file the extension names."""


class Refused(Exception):
    """The file is of its kind but breaks a rule; ``str()`` says which, after the file's name."""


# Markup a browser or a script host would act on. A tag must be followed by a
# delimiter, and the short ones (svg, img) by a namespace or an event handler, so
# that the random-looking bytes of compressed image data practically never match
# (about once in 10^12 positions: one 10 MB photo in a hundred thousand).
MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|\?php)[\s/>]"
    rb"|<(?:svg|img)[\s/][^>]{0,1024}?(?:xmlns|on[a-z]+\s*=)",
    re.IGNORECASE,
)


def read_all(upload: UploadedFile) -> bytes:
    """The whole file (callers have checked its size: at most 20 MB)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def has_markup(data: bytes) -> bool:
    return MARKUP.search(data) is not None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
