"""What the OpenAPI schema says again and again: error answers, the ticket number, pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ERRORS = {
    400: OpenApiResponse(description="A field breaks a rule: `{field: [rule]}`."),
    401: OpenApiResponse(description="No or invalid credentials."),
    404: OpenApiResponse(description="No such ticket, or not of your organisation."),
    429: OpenApiResponse(description="Too many requests; see `Retry-After`."),
}
CONFLICT = OpenApiResponse(
    description="The lifecycle refuses this move: `{detail, code: invalid_transition}`."
)
TOO_LARGE = OpenApiResponse(description="The upload is too large.")
NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="Ticket number.")
PAGE = OpenApiParameter("page", int, description="Page number, from 1.")
CURSOR = OpenApiParameter(
    "cursor", str, description="Where a page starts: take it from `next` or `previous`."
)


def json_or_multipart(serializer_class) -> dict:
    """A request body sent as JSON, or as multipart with its ``files``."""
    return {"application/json": serializer_class, "multipart/form-data": serializer_class}


def page_size(what: str) -> OpenApiParameter:
    return OpenApiParameter("page_size", int, description=f"{what} a page, 1 to 100.")


def paginated(serializer_class, name: str, *, count_help: str = "Matches on all pages."):
    """The documented shape of a page: ``{count, next, previous, results}``."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(help_text=count_help),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(
                allow_null=True, help_text="The previous page, or null."
            ),
            "results": serializer_class(many=True),
        },
    )


CURSOR_COUNT = (
    "Matches on all pages, as the first page counted them. Pages reached by a `cursor` "
    "repeat the first page's count (it rides in the cursor) rather than counting again: "
    "tickets opened or changed since do not change it; start again from the first page "
    "for a fresh count. With `search`, see the operation's description."
)
