"""Tickets: the list (``ApiTicketFilter``), opening one, reading and changing one."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from accounts.selectors import alias_normalized, member_by_email, organization_by_alias
from tickets import services
from tickets.access import get_ticket_for
from tickets.api import docs
from tickets.api import serializers as s
from tickets.api.common import form_errors
from tickets.api.filters import ApiTicketFilter, TicketListParameters
from tickets.api.views.base import (
    category_named,
    paginated_answer,
    staff_member,
    ticket_answer,
    ticket_rows,
    uploaded_files,
)
from tickets.models import Channel, Priority, Ticket
from tickets.paging import count_cap

ACTIONS_HINT = (
    "status is not writable here. Use POST /api/v1/tickets/{number}/close/ or reopen/, "
    "and for support take/, assign/, wait/ or solve/ (or a reply with a status)."
)


class TicketListView(APIView):
    @extend_schema(
        operation_id="tickets_list",
        summary="List tickets",
        description=(
            "Tickets you may see, 25 a page (`page_size` up to 100), newest update first. "
            "Customers see their organisation's tickets; support staff see every organisation's. "
            "Follow `next` and `previous`: they carry a `cursor` (the position after the last "
            "row), so every page is as fast as the first. A ticket updated while you page "
            "moves in an `updated_at` ordering; to walk every ticket once, order by "
            "`created_at`. With `search`, `count` is exact for a few matches, for support "
            "the database's estimate for many, and stops at 1,000 otherwise "
            "(the pages go on). The first page counts; a page reached by `cursor` answers "
            "the first page's `count` again without counting (every page costs the same, "
            "however many tickets match). A numbered `page` is still answered, up to the count."
        ),
        parameters=[TicketListParameters, docs.CURSOR, docs.PAGE, docs.page_size("Tickets")],
        responses={
            200: docs.paginated(
                s.TicketSerializer, "PaginatedTicketList", count_help=docs.CURSOR_COUNT
            ),
            **docs.ERRORS,
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        filters = ApiTicketFilter(
            request.query_params,
            queryset=Ticket.objects.visible_to(request.user),
            request=request,
        )
        if not filters.is_valid():
            raise form_errors(filters.form)
        tickets = ticket_rows(filters.qs, request.user)
        searching = bool(filters.form.cleaned_data.get("search"))
        return paginated_answer(
            self,
            request,
            tickets,
            s.TicketSerializer,
            known_count=filters.known_count,
            cap=count_cap() if searching else None,
            keyset=True,
            # Estimates come from every organisation's statistics: support's lists only.
            estimate=searching and request.user.is_support_staff,
        )

    @extend_schema(
        operation_id="tickets_create",
        summary="Open a ticket",
        description=(
            "JSON, or multipart with `files`. Customers open tickets for their own "
            "organisation (status `open`). Support staff name the `organization` (alias) and "
            "the `requester` (email); such a ticket starts as `waiting_for_customer`."
        ),
        request=docs.json_or_multipart(s.TicketCreateSerializer),
        responses={
            201: s.TicketDetailSerializer,
            413: docs.TOO_LARGE,
            **docs.ERRORS,
        },
        examples=[
            OpenApiExample(
                "From monitoring",
                request_only=True,
                value={
                    "category": "technical",
                    "subject": "Disk on db-2 is 95% full",
                    "description": "Alert fired at 09:12 UTC.",
                    "priority": "high",
                    "internal_reference": "MON-4411",
                    "resource": "db-2",
                },
            )
        ],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        form = s.TicketCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        category = category_named(data["category"])
        if request.user.is_support_staff:
            customer = on_behalf_of(data)
        else:
            for field in ("organization", "requester"):
                if field in data:
                    raise exceptions.ValidationError(
                        {field: [_("Only support staff open tickets for someone else.")]}
                    )
            customer = {}
        ticket = services.ticket_open(
            actor=request.user,
            category=category,
            subject=data["subject"],
            description=data["description"],
            priority=data.get("priority", Priority.NORMAL),
            internal_reference=data["internal_reference"],
            product=data["product"],
            resource=data["resource"],
            channel=Channel.API,
            files=uploaded_files(request),
            **customer,
        )
        return ticket_answer(request, ticket.pk, code=status.HTTP_201_CREATED)


def on_behalf_of(data) -> dict:
    """The customer support opens a ticket for: organisation by alias, requester by email.

    Deactivated ones are found, so that ``ticket_open`` refuses them by name.
    """
    errors = {}
    alias = alias_normalized(data.get("organization"))
    organization = organization_by_alias(alias, include_inactive=True)
    if organization is None:
        errors["organization"] = [
            "Name the customer's organisation by its alias."
            if not alias
            else f"No organisation has the alias {alias!r}."
        ]
    requester = member_by_email(
        data.get("requester"), organization=organization, include_inactive=True
    )
    if requester is None and "organization" not in errors:
        errors["requester"] = [
            "Name the requester by email."
            if not data.get("requester")
            else "No user of that organisation has that email."
        ]
    if errors:
        raise exceptions.ValidationError(errors)
    return {"organization": organization, "requester": requester}


class TicketDetailView(APIView):
    @extend_schema(
        operation_id="tickets_retrieve",
        summary="A ticket",
        parameters=[docs.NUMBER],
        responses={200: s.TicketDetailSerializer, **docs.ERRORS},
    )
    def get(self, request: AuthenticatedRequest, number: int) -> Response:
        get_ticket_for(request.user, number)
        return ticket_answer(request, number)

    @extend_schema(
        operation_id="tickets_update",
        summary="Change a ticket's properties",
        description=(
            "Customers may change `internal_reference`; support staff also `priority`, "
            "`category`, `assignee` and `tags` (the whole set). `status` is not writable "
            "here (400): use the action endpoints. All changes apply together or none does."
        ),
        parameters=[docs.NUMBER],
        request=s.TicketUpdateSerializer,
        responses={200: s.TicketDetailSerializer, 409: docs.CONFLICT, **docs.ERRORS},
        examples=[
            OpenApiExample("Escalate", request_only=True, value={"priority": "urgent"}),
        ],
    )
    def patch(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        refuse_unwritable(request, ticket)
        form = s.TicketUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        if "category" in changes:
            changes["category"] = category_named(changes["category"])
        if "assignee" in changes:
            changes["assignee"] = staff_member(changes["assignee"], field="assignee")
        # One act: customers hear of everything it changed in one notification.
        services.ticket_update(ticket=ticket, actor=request.user, **changes)
        return ticket_answer(request, number)


def refuse_unwritable(request: AuthenticatedRequest, ticket: Ticket) -> None:
    """400 naming each field the caller may not change: status never, support's
    fields not by customers."""
    allowed = {"internal_reference"}
    if request.user.is_support_staff:
        allowed |= {"priority", "category", "assignee", "tags"}
    data = request.data
    if not hasattr(data, "keys"):
        raise exceptions.ValidationError({"detail": [_("Send the changes as a JSON object.")]})
    refused = {}
    for key in list(data):
        if key == "status":
            refused["status"] = [ACTIONS_HINT.format(number=ticket.pk)]
        elif key not in allowed:
            refused[key] = [
                f"{key} cannot be changed"
                + ("." if request.user.is_support_staff else " by customers.")
            ]
    if refused:
        raise exceptions.ValidationError(refused)
