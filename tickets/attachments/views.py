"""Downloading and previewing attachments, only through the tenant door.

Downloads stream with ``Content-Disposition: attachment`` and a safe, encoded
file name. Previews are inline only for images, PDF and plain text. Both carry
their own sandboxing Content-Security-Policy (django-csp's middleware leaves a
policy a response already has alone), with ``nosniff`` (SecurityMiddleware).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

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
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def preview(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _attachment_for(request.user, pk)
    if not attachment.previewable:
        raise Http404("This kind of file can only be downloaded.")
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type = "text/plain; charset=utf-8"  # never rendered as HTML
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=False,
        filename=attachment.name,
        content_type=content_type,
    )
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response
