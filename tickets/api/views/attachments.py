"""Files: downloaded through the same access check as the pages' downloads."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, renderers
from rest_framework.request import Request
from rest_framework.views import APIView

from tickets.api import docs
from tickets.attachments.views import download_response
from tickets.models import Attachment


class PassthroughRenderer(renderers.BaseRenderer):
    """Lets a download answer whatever ``Accept`` the client sent."""

    media_type = "*/*"
    format = "download"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AttachmentDownloadView(APIView):
    renderer_classes = (renderers.JSONRenderer, PassthroughRenderer)

    @extend_schema(
        operation_id="attachments_download",
        summary="Download a file",
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH, description="File id.")],
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its own content type."
            ),
            401: docs.ERRORS[401],
            404: OpenApiResponse(description="No such file, or not yours to see."),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = Attachment.objects.visible_to(request.user).filter(pk=pk).first()
        if attachment is None:
            raise exceptions.NotFound("Not found.")
        return download_response(attachment)
