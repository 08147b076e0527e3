"""Downloading and previewing attachments, only through the tenant door.

Downloads stream with ``Content-Disposition: attachment`` and a safe, encoded
file name. Previews are inline only for images, PDF and plain text. Both carry
their own sandboxing Content-Security-Policy (django-csp's middleware leaves a
policy a response already has alone), with ``nosniff`` (SecurityMiddleware).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from tickets.attachments.inspect_text import decoded
from tickets.models import Attachment

# A download is never a page: should a browser render one anyway, it runs nothing,
# loads nothing and cannot be framed.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
# A preview is framed by our ticket page's viewer and nothing else. The inline
# styles are the browser's own, for the viewer document it builds around an
# image or a text file (never our markup: text is always served as text/plain).
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def _attachment_for(user, pk: int) -> Attachment:
    attachment = Attachment.objects.visible_to(user).filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    return download_response(_attachment_for(request.user, pk))


def download_response(attachment: Attachment) -> FileResponse:
    """The file as a download (the page and the API): a safe name, never cached."""
    response = _stored_file(attachment, as_attachment=True)
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


def _stored_file(attachment: Attachment, *, as_attachment: bool) -> FileResponse:
    """The stored bytes under the original name and the sniffed type, never cached."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=as_attachment,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    attachment = _attachment_for(request.user, pk)
    if not attachment.previewable:
        raise Http404("This kind of file can only be downloaded.")
    response: HttpResponse | FileResponse
    if attachment.content_type.startswith("text/"):
        response = _text_preview(attachment)
    else:
        response = _stored_file(attachment, as_attachment=False)
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


def _text_preview(attachment: Attachment) -> HttpResponse:
    """Text as UTF-8, whatever it was written in, and never rendered as HTML.

    Uploads are accepted in UTF-8, UTF-16/32 with a byte-order mark, or
    Windows-1252 (what Notepad, PowerShell and Excel write); served as they
    are, a browser told UTF-8 shows the others as mojibake. They are decoded
    the way the upload check decoded them (at most 20 MB).
    """
    with attachment.file.open("rb") as file:
        data = file.read()
    text = decoded(data)
    if text is None:  # stored before today's rules: show what can be shown
        text = data.decode("utf-8", errors="replace")
    response = HttpResponse(text.lstrip("\ufeff"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, attachment.name) or ""
    return response
