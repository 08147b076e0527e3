"""What the API's views share: the ticket answer, pages, files, and names turned into rows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.requests import AuthenticatedRequest
from accounts.selectors import staff_by_email
from tickets.api import serializers as s
from tickets.api.common import KnownCount, Pagination
from tickets.models import Category, Tag, Ticket
from tickets.selectors import active_category, with_unseen

# Large columns no API answer shows.
DEFERRED = ("description_html", "search_document", "notes_document")


class IsSupportStaff(permissions.BasePermission):
    message = "Only support staff can do this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and request.user.is_support_staff
        )


def ticket_rows(tickets: QuerySet[Ticket], user: User) -> QuerySet[Ticket]:
    """``tickets`` (from the tenant door) with what every ticket answer shows: one
    query, and for support one more for the page's tags."""
    rows = (
        with_unseen(tickets, user)
        # The rating rides along (one-to-one, issue 19): no query per row.
        .select_related("organization", "category", "requester", "assignee", "satisfaction")
        .defer(*DEFERRED)
    )
    if user.is_support_staff:
        rows = rows.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    return rows


def ticket_answer(
    request: AuthenticatedRequest, number: int, *, code: int = status.HTTP_200_OK
) -> Response:
    """The ticket as it is now, after the door let ``request.user`` at it."""
    tickets = ticket_rows(Ticket.objects.visible_to(request.user), request.user)
    ticket = tickets.filter(pk=number).first()
    if ticket is None:  # only if it vanished in between; the door was checked already
        raise exceptions.NotFound("Not found.")
    return Response(
        s.TicketDetailSerializer(ticket, context={"request": request}).data, status=code
    )


def paginated_answer(
    view: APIView,
    request: AuthenticatedRequest,
    queryset,
    serializer_class,
    *,
    known_count: KnownCount = None,
    cap: int | None = None,
    keyset: bool = False,
    estimate: bool = False,
) -> Response:
    """One page of ``queryset``: ``{count, next, previous, results}``.

    ``known_count``: the size when the kept counters know it (not counted
    again), or a function giving it (asked only when a page counts);
    ``cap``: count no further than this (a search's matches); ``keyset``:
    link the pages by cursor (the queryset's ordering ends in a unique
    field); ``estimate``: a large result's count is the planner's
    estimate (a search's).
    """
    paginator = Pagination(known_count=known_count, cap=cap, keyset=keyset, estimate=estimate)
    page = paginator.paginate_queryset(queryset, request, view=view)
    serializer = serializer_class(page, many=True, context={"request": request})
    return paginator.get_paginated_response(serializer.data)


def uploaded_files(request: AuthenticatedRequest) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


def staff_member(email: str | None, *, field: str) -> User | None:
    """The active support staff named by ``email``; None for None; else a 400 on ``field``."""
    if email is None:
        return None
    user = staff_by_email(email)
    if user is None:
        raise exceptions.ValidationError({field: [_("No active support staff has that email.")]})
    return user


def category_named(slug: str, *, field: str = "category") -> Category:
    """The active ticket type ``slug`` names; else a 400 on ``field``."""
    category = active_category(slug)
    if category is None:
        raise exceptions.ValidationError(
            {
                field: [
                    _("No active ticket type has the slug %(slug)s; see /api/v1/categories/.")
                    % {"slug": repr(slug)}
                ]
            }
        )
    return category
