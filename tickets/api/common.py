"""What every API endpoint shares: pagination, throttling and the error shapes.

Errors keep one shape, so a script can rely on it:

- 400: ``{"<field>": ["<rule>"]}`` for field errors, ``{"detail": ...}`` otherwise;
- 401/403/404/429: ``{"detail": ..., "code": ...}``;
- 409: ``{"detail": ..., "code": "invalid_transition" | "ticket_closed"}``.

The services raise Django's ``ValidationError`` and the lifecycle's
``TransitionError``; they are turned into 400 and 409 here, once, instead of in
every view. ``REST_FRAMEWORK`` in the settings names the handler, the
throttle (``tickets.api.throttling``) and the pagination, so every endpoint
(``helpdesk.api``'s too) has them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import Form
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from tickets.api.throttling import is_counted
from tickets.keyset import BadCursor, Cursor, keyset_page
from tickets.paging import BoundedPaginator
from tickets.workflow import TransitionError

# A list's size when it is known without counting rows, or how to learn it.
KnownCount = int | Callable[[], int | None] | None


class Pagination(PageNumberPagination):
    """Numbered pages, or keyset pages for lists that ask for them (``keyset``).

    A keyset list (the ticket list) starts at the first page without a
    ``page`` and links ``next``/``previous`` by ``cursor``: every page costs
    what the first does, and a search is not stopped at its counted 1,000.
    The first page's ``count`` rides in the cursors it links, and later pages
    answer it without counting again (a filtered list of a million rows costs
    its count once); a cursor taken to another caller or other filters is
    counted afresh. An explicit ``page`` still gets a numbered page, as before.

    ``known_count`` may be a function, asked only when a page must count.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_param = "cursor"

    def __init__(
        self,
        *,
        known_count: KnownCount = None,
        cap: int | None = None,
        keyset: bool = False,
        estimate: bool = False,
    ) -> None:
        self.known_count = known_count
        self.cap = cap
        self.keyset = keyset
        self.estimate = estimate
        self.cursors: tuple[Cursor | None, Cursor | None] | None = None

    def django_paginator_class(self, object_list, per_page) -> BoundedPaginator:  # type: ignore[override]
        # Exact unless capped (a search); a known count is not counted again.
        known = self.known_count() if callable(self.known_count) else self.known_count
        return BoundedPaginator(
            object_list,
            per_page,
            known_count=known,
            cap=self.cap,
            estimate=self.estimate,
        )

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        if not self.keyset or (self.page_query_param in params and "cursor" not in params):
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        ordering = tuple(str(field) for field in queryset.query.order_by)
        self.ordering = ordering
        cursor = None
        if params.get(self.cursor_query_param):
            try:
                cursor = Cursor.decode(params[self.cursor_query_param], ordering)
            except BadCursor as error:
                raise exceptions.ValidationError({self.cursor_query_param: [str(error)]}) from error
        rows, next_cursor, previous_cursor = keyset_page(
            queryset, cursor, self.get_page_size(request) or self.page_size
        )
        scope = self.list_scope(request)
        carried = cursor.count_for(scope) if cursor is not None else None
        self.count = (
            carried if carried is not None else self.django_paginator_class(queryset, 1).count
        )
        self.cursors = (
            replace(next_cursor, count=self.count, scope=scope) if next_cursor else None,
            replace(previous_cursor, count=self.count, scope=scope) if previous_cursor else None,
        )
        return rows

    def list_scope(self, request) -> str:
        """Which list a carried count is of: the caller and every parameter but
        the page's own (``cursor``, ``page``, ``page_size``)."""
        own = {self.cursor_query_param, self.page_query_param, self.page_size_query_param}
        params = sorted(
            (name, values) for name, values in request.query_params.lists() if name not in own
        )
        text = json.dumps([request.user.pk, params])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _cursor_link(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        assert self.request is not None  # set by paginate_queryset
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor.encode(self.ordering))

    def get_paginated_response(self, data):
        if self.cursors is None:
            return super().get_paginated_response(data)
        next_cursor, previous_cursor = self.cursors
        return Response(
            {
                "count": self.count,
                "next": self._cursor_link(next_cursor),
                "previous": self._cursor_link(previous_cursor),
                "results": data,
            }
        )


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The ticket's state does not allow this."
    default_code = "invalid_transition"


def service_errors(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ``ValidationError`` as DRF's, keyed by field (``detail`` otherwise)."""
    if hasattr(error, "error_dict"):
        fields = {
            ("detail" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
        return exceptions.ValidationError(fields)
    return exceptions.ValidationError({"detail": error.messages})


def form_errors(form: Form) -> exceptions.ValidationError:
    """A refused form's errors as the API's 400: ``{field: [rule]}``."""
    return service_errors(DjangoValidationError(form.errors.as_data()))


def exception_handler(exc, context):
    # A request refused before DRF's throttle ran (no or a bad key, a
    # read-only token's write) still counts against its caller: token guessing
    # is limited too, and every answer carries the rate-limit headers.
    request, view = context.get("request"), context.get("view")
    if request is not None and view is not None and not is_counted(request):
        try:
            view.check_throttles(request)
        except exceptions.Throttled as throttled:
            exc = throttled
        except exceptions.APIException:
            pass
    if isinstance(exc, TransitionError):
        exc = Conflict(str(exc), code=TransitionError.code)
    elif isinstance(exc, DjangoValidationError):
        exc = service_errors(exc)
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        # Also a row that vanished between the door and the write (a macro
        # deleted while it was being applied): gone, not a server error.
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        if not isinstance(detail, list):
            response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response


def conflict(detail: str, code: str) -> Response:
    return Response({"detail": detail, "code": code}, status=status.HTTP_409_CONFLICT)
