"""REST API v1: the portal's and the queue's work for scripts and integrations.

Like the pages, every view fetches through the tenant door
(``visible_to`` / ``get_ticket_for``) and writes through ``tickets.services``;
``tickets.api.common`` turns the services' refusals into 400 and 409. The
"who you are" endpoint reads notifications too, so it is the project's
(``helpdesk.api``).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, permissions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization, User
from tickets import services
from tickets.access import get_ticket_for
from tickets.api import serializers as s
from tickets.api.common import Pagination, conflict
from tickets.attachments.views import download_response
from tickets.models import Attachment, Category, Channel, Message, Priority, Status, Ticket
from tickets.search import search_tickets
from tickets.selectors import with_unseen
from tickets.workflow import Action

# Large columns no API answer shows.
DEFERRED = ("search_document", "notes_document")
ORDERINGS = {
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
    "priority": ("priority", "-updated_at", "-pk"),
    "-priority": ("-priority", "-updated_at", "-pk"),
}
ACTIONS_HINT = (
    "status is not writable here. Use POST /api/v1/tickets/{number}/close/ or reopen/, "
    "and for support take/, assign/, wait/ or solve/ (or a reply with a status)."
)


class IsSupportStaff(permissions.BasePermission):
    message = "Only support staff can do this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and request.user.is_support_staff
        )


# Shared documentation pieces.
ERRORS = {
    400: OpenApiResponse(description="A field breaks a rule: `{field: [rule]}`."),
    401: OpenApiResponse(description="No or invalid credentials."),
    404: OpenApiResponse(description="No such ticket, or not of your organisation."),
    429: OpenApiResponse(description="Too many requests; see `Retry-After`."),
}
CONFLICT = OpenApiResponse(
    description="The lifecycle refuses this move: `{detail, code: invalid_transition}`."
)


def paginated(serializer_class, name: str):
    """The documented shape of a page: ``{count, next, previous, results}``."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(help_text="Matches on all pages."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(
                allow_null=True, help_text="The previous page, or null."
            ),
            "results": serializer_class(many=True),
        },
    )


NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="Ticket number.")


def tickets_for(request: Request):
    """The user's tickets, with what every ticket answer shows, in one query."""
    tickets = Ticket.objects.visible_to(request.user)
    return (
        with_unseen(tickets, request.user)
        .select_related("organization", "category", "requester", "assignee")
        .defer(*DEFERRED)
    )


def ticket_answer(request: Request, number: int, *, code: int = status.HTTP_200_OK) -> Response:
    ticket = tickets_for(request).filter(pk=number).first()
    if ticket is None:  # only if it vanished in between; the door was checked already
        raise exceptions.NotFound("Not found.")
    return Response(
        s.TicketDetailSerializer(ticket, context={"request": request}).data, status=code
    )


def paginated_answer(view: APIView, request: Request, queryset, serializer_class) -> Response:
    """One page of ``queryset``: ``{count, next, previous, results}``."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    serializer = serializer_class(page, many=True, context={"request": request})
    return paginator.get_paginated_response(serializer.data)


def uploaded_files(request: Request) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


def staff_user_by_email(email: str | None, *, field: str) -> User | None:
    if email is None:
        return None
    user = User.objects.filter(
        email=email.strip().lower(), role__in=User.STAFF_ROLES, is_active=True
    ).first()
    if user is None:
        raise exceptions.ValidationError({field: ["No active support staff has that email."]})
    return user


def active_category(slug: str, *, field: str = "category") -> Category:
    category = Category.objects.filter(slug=slug, is_active=True).first()
    if category is None:
        raise exceptions.ValidationError(
            {field: [f"No active ticket type has the slug {slug!r}; see /api/v1/categories/."]}
        )
    return category


class TicketFilterSerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False, help_text="Comma-separated: " + ", ".join(Status.values)
    )
    category = serializers.SlugField(required=False, help_text="A category slug.")
    priority = s.PriorityField(required=False)
    archived = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "true: the Archive (solved and closed tickets); false: the Tickets tab "
            "(open, in progress, waiting for customer); absent: both."
        ),
    )
    search = serializers.CharField(required=False, max_length=200)
    organization = serializers.CharField(required=False, help_text="Staff only: account alias.")
    assignee = serializers.CharField(
        required=False, help_text="Staff only: an agent's email, or `none` for unassigned."
    )
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        required=False,
        default="-updated_at",
        error_messages={"invalid_choice": "Order by one of " + ", ".join(ORDERINGS) + "."},
    )

    def validate_status(self, value: str) -> list[str]:
        statuses = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [part for part in statuses if part not in Status.values]
        if unknown or not statuses:
            raise serializers.ValidationError(
                f"Unknown status {', '.join(unknown) or value!r}; use "
                + ", ".join(Status.values)
                + "."
            )
        return statuses

    def validate(self, data):
        user = self.context["request"].user
        if not user.is_support_staff:
            for field in ("organization", "assignee"):
                if field in data:
                    raise serializers.ValidationError(
                        {field: ["Only support staff can filter by this."]}
                    )
        return data


class TicketListView(APIView):
    @extend_schema(
        operation_id="tickets_list",
        summary="List tickets",
        description=(
            "Tickets you may see, 25 a page (`page_size` up to 100), newest update first. "
            "Customers see their organisation's tickets; support staff see every organisation's."
        ),
        parameters=[
            TicketFilterSerializer,
            OpenApiParameter("page", int, description="Page number, from 1."),
            OpenApiParameter("page_size", int, description="Tickets a page, 1 to 100."),
        ],
        responses={200: paginated(s.TicketSerializer, "PaginatedTicketList"), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = TicketFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        tickets = Ticket.objects.visible_to(request.user)
        if data.get("status"):
            tickets = tickets.filter(status__in=data["status"])
        if data.get("category"):
            tickets = tickets.filter(category__slug=data["category"])
        if data.get("priority"):
            tickets = tickets.filter(priority=data["priority"])
        if data.get("archived") is True:
            tickets = tickets.archived()
        elif data.get("archived") is False:
            tickets = tickets.active()
        if data.get("organization"):
            tickets = tickets.filter(organization__alias=data["organization"].strip().upper())
        assignee = (data.get("assignee") or "").strip().lower()
        if assignee == "none":
            tickets = tickets.filter(assignee__isnull=True)
        elif assignee:
            tickets = tickets.filter(assignee__email=assignee)
        tickets = search_tickets(
            tickets, data.get("search", ""), include_notes=request.user.is_support_staff
        )
        tickets = (
            with_unseen(tickets, request.user)
            .select_related("organization", "category", "requester", "assignee")
            .defer(*DEFERRED)
            .order_by(*ORDERINGS[data["ordering"]])
        )
        return paginated_answer(self, request, tickets, s.TicketSerializer)

    @extend_schema(
        operation_id="tickets_create",
        summary="Open a ticket",
        description=(
            "JSON, or multipart with `files`. Customers open tickets for their own "
            "organisation (status `open`). Support staff name the `organization` (alias) and "
            "the `requester` (email); such a ticket starts as `waiting_for_customer`."
        ),
        request={
            "application/json": s.TicketCreateSerializer,
            "multipart/form-data": s.TicketCreateSerializer,
        },
        responses={
            201: s.TicketDetailSerializer,
            413: OpenApiResponse(description="The upload is too large."),
            **ERRORS,
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
    def post(self, request: Request) -> Response:
        form = s.TicketCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        fields = {
            "actor": request.user,
            "category": active_category(data["category"]),
            "subject": data["subject"],
            "description": data["description"],
            "priority": data.get("priority", Priority.NORMAL),
            "internal_reference": data["internal_reference"],
            "product": data["product"],
            "resource": data["resource"],
            "channel": Channel.API,
            "files": uploaded_files(request),
        }
        if request.user.is_support_staff:
            fields.update(self._on_behalf(data))
        else:
            for field in ("organization", "requester"):
                if field in data:
                    raise exceptions.ValidationError(
                        {field: ["Only support staff open tickets for someone else."]}
                    )
        ticket = services.ticket_open(**fields)
        return ticket_answer(request, ticket.pk, code=status.HTTP_201_CREATED)

    @staticmethod
    def _on_behalf(data) -> dict:
        errors = {}
        alias = (data.get("organization") or "").strip().upper()
        organization = Organization.objects.filter(alias=alias).first() if alias else None
        if organization is None:
            errors["organization"] = [
                "Name the customer's organisation by its alias."
                if not alias
                else f"No organisation has the alias {alias!r}."
            ]
        email = (data.get("requester") or "").strip().lower()
        requester = (
            User.objects.filter(email=email, organization=organization).first()
            if email and organization
            else None
        )
        if requester is None and "organization" not in errors:
            errors["requester"] = [
                "Name the requester by email."
                if not email
                else "No user of that organisation has that email."
            ]
        if errors:
            raise exceptions.ValidationError(errors)
        return {"organization": organization, "requester": requester}


class TicketDetailView(APIView):
    @extend_schema(
        operation_id="tickets_retrieve",
        summary="A ticket",
        parameters=[NUMBER],
        responses={200: s.TicketDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, number: int) -> Response:
        get_ticket_for(request.user, number)
        return ticket_answer(request, number)

    @extend_schema(
        operation_id="tickets_update",
        summary="Change a ticket's properties",
        description=(
            "Customers may change `internal_reference`; support staff also `priority`, "
            "`category` and `assignee`. `status` is not writable here (400): use the action "
            "endpoints. All changes apply together or none does."
        ),
        parameters=[NUMBER],
        request=s.TicketUpdateSerializer,
        responses={200: s.TicketDetailSerializer, 409: CONFLICT, **ERRORS},
        examples=[
            OpenApiExample("Escalate", request_only=True, value={"priority": "urgent"}),
        ],
    )
    def patch(self, request: Request, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        allowed = {"internal_reference"}
        if request.user.is_support_staff:
            allowed |= {"priority", "category", "assignee"}
        data = request.data
        if not hasattr(data, "keys"):
            raise exceptions.ValidationError({"detail": ["Send the changes as a JSON object."]})
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
        form = s.TicketUpdateSerializer(data=data, partial=True)
        form.is_valid(raise_exception=True)
        changes = form.validated_data
        update: dict = {}
        if "internal_reference" in changes:
            update["internal_reference"] = changes["internal_reference"]
        if "priority" in changes:
            update["priority"] = changes["priority"]
        if "category" in changes:
            update["category"] = active_category(changes["category"])
        if "assignee" in changes:
            update["assignee"] = staff_user_by_email(changes["assignee"], field="assignee")
        # One act: customers hear of everything it changed in one notification.
        services.ticket_update(ticket=ticket, actor=request.user, **update)
        return ticket_answer(request, number)


class MessageListView(APIView):
    @extend_schema(
        operation_id="messages_list",
        summary="A ticket's messages",
        description="Oldest first. Customers never see internal notes nor their files.",
        parameters=[
            NUMBER,
            OpenApiParameter("page", int, description="Page number, from 1."),
            OpenApiParameter("page_size", int, description="Messages a page, 1 to 100."),
        ],
        responses={200: paginated(s.MessageSerializer, "PaginatedMessageList"), **ERRORS},
    )
    def get(self, request: Request, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        messages = (
            Message.objects.visible_to(request.user)
            .filter(ticket=ticket)
            .select_related("author")
            .prefetch_related(
                Prefetch(
                    "attachments",
                    queryset=Attachment.objects.visible_to(request.user).order_by("pk"),
                )
            )
            .order_by("created_at", "pk")
        )
        return paginated_answer(self, request, messages, s.MessageSerializer)

    @extend_schema(
        operation_id="messages_create",
        summary="Reply, or add an internal note",
        description=(
            "JSON `{body}` or multipart with `body` and `files`. Support staff may add "
            "`internal: true` (an internal note) or a `status` to submit a public reply as. "
            "`close: true` sends a public reply and closes the ticket in one act. "
            "A closed ticket takes no messages (409 `ticket_closed`): reopen it instead."
        ),
        parameters=[NUMBER],
        request={
            "application/json": s.MessageCreateSerializer,
            "multipart/form-data": s.MessageCreateSerializer,
        },
        responses={
            201: s.MessageSerializer,
            409: OpenApiResponse(description="The ticket is closed: `code: ticket_closed`."),
            413: OpenApiResponse(description="The upload is too large."),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Solve with a reply",
                request_only=True,
                value={"body": "Fixed in release 4.2.", "status": "solved"},
            )
        ],
    )
    def post(self, request: Request, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        form = s.MessageCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if not request.user.is_support_staff:
            for field in ("internal", "status"):
                if request.data.get(field) not in (None, "", False, "false"):
                    raise exceptions.ValidationError({field: ["Only support staff can set this."]})
        if ticket.status == Status.CLOSED:
            return conflict(
                f"Ticket #{ticket.pk} is closed. Reopen it with "
                f"POST /api/v1/tickets/{ticket.pk}/reopen/ and a message.",
                "ticket_closed",
            )
        reply = services.ticket_reply(
            ticket=ticket,
            author=request.user,
            body=data["body"],
            internal=data["internal"],
            submit_as=data.get("status"),
            close=data["close"],
            files=uploaded_files(request),
        )
        message = (
            Message.objects.select_related("author")
            .prefetch_related("attachments")
            .get(pk=reply.message.pk)
        )
        return Response(
            s.MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class TicketActionView(APIView):
    """One lifecycle action; subclasses name it."""

    staff_only = False

    def get_permissions(self):
        extra = [IsSupportStaff()] if self.staff_only else []
        return [*super().get_permissions(), *extra]

    def act(self, request: Request, ticket: Ticket) -> Response:
        raise NotImplementedError

    def post(self, request: Request, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        return self.act(request, ticket)


def action_schema(summary: str, description: str, request=None, responses=None):
    verb = summary.split()[0].lower()
    return extend_schema(
        operation_id=f"tickets_{verb}",
        summary=summary,
        description=description,
        parameters=[NUMBER],
        request=request,
        responses=responses
        or {
            200: s.TicketDetailSerializer,
            403: OpenApiResponse(description="Support staff only."),
            409: CONFLICT,
            **ERRORS,
        },
    )


class CloseView(TicketActionView):
    @action_schema("Close a ticket", "Customers and support close any active ticket.")
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        services.ticket_close(ticket=ticket, actor=request.user)
        return ticket_answer(request, ticket.pk)


class ReopenView(TicketActionView):
    @action_schema(
        "Reopen a closed ticket",
        "A message saying why is required (JSON `{body}`, or multipart with `files`). "
        "Under the organisation's reopen policy the ticket reopens (200, the ticket); under "
        "the follow-up policy a linked follow-up ticket is opened (201, the new ticket).",
        request={
            "application/json": s.ReopenSerializer,
            "multipart/form-data": s.ReopenSerializer,
        },
        responses={
            200: s.TicketDetailSerializer,
            201: s.TicketDetailSerializer,
            409: CONFLICT,
            **ERRORS,
        },
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        form = s.ReopenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if ticket.status != Status.CLOSED:
            return conflict(
                f"Ticket #{ticket.pk} is not closed; reply to it instead.", "invalid_transition"
            )
        reply = services.ticket_reopen(
            ticket=ticket,
            actor=request.user,
            body=form.validated_data["body"],
            files=uploaded_files(request),
        )
        if reply.followed_up:
            return ticket_answer(request, reply.ticket.pk, code=status.HTTP_201_CREATED)
        return ticket_answer(request, reply.ticket.pk)


class TakeView(TicketActionView):
    staff_only = True

    @action_schema(
        "Take a ticket",
        "Support staff: assign the ticket to yourself. A ticket another agent has "
        "answers 409 unless take_over is true.",
        request=s.TakeSerializer,
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        form = s.TakeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.ticket_take(
            ticket=ticket, agent=request.user, take_over=form.validated_data["take_over"]
        )
        return ticket_answer(request, ticket.pk)


class AssignView(TicketActionView):
    staff_only = True

    @action_schema(
        "Assign a ticket",
        "Support staff: give the ticket to an agent by email, or to nobody with null.",
        request=s.AssignSerializer,
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        form = s.AssignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        assignee = staff_user_by_email(form.validated_data["assignee"], field="assignee")
        services.ticket_assign(ticket=ticket, actor=request.user, assignee=assignee)
        return ticket_answer(request, ticket.pk)


class WaitView(TicketActionView):
    staff_only = True

    @action_schema("Wait for the customer", "Support staff: mark Waiting for customer.")
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        services.ticket_change_status(ticket=ticket, actor=request.user, action=Action.WAIT)
        return ticket_answer(request, ticket.pk)


class SolveView(TicketActionView):
    staff_only = True

    @action_schema(
        "Solve a ticket", "Support staff: mark Solved; it closes by itself after 72 hours."
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        services.ticket_change_status(ticket=ticket, actor=request.user, action=Action.SOLVE)
        return ticket_answer(request, ticket.pk)


class CategoryListView(APIView):
    @extend_schema(
        operation_id="categories_list",
        summary="Ticket types",
        description="The active categories a ticket can be opened with.",
        responses={200: s.CategorySerializer(many=True), 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        categories = Category.objects.filter(is_active=True)
        return Response(s.CategorySerializer(categories, many=True).data)


class PassthroughRenderer(renderers.BaseRenderer):
    """Lets a download answer whatever ``Accept`` the client sent."""

    media_type = "*/*"
    format = "download"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AttachmentDownloadView(APIView):
    renderer_classes = [renderers.JSONRenderer, PassthroughRenderer]

    @extend_schema(
        operation_id="attachments_download",
        summary="Download a file",
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH, description="File id.")],
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its own content type."
            ),
            401: ERRORS[401],
            404: OpenApiResponse(description="No such file, or not yours to see."),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = Attachment.objects.visible_to(request.user).filter(pk=pk).first()
        if attachment is None:
            raise exceptions.NotFound("Not found.")
        return download_response(attachment)
