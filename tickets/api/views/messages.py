"""A ticket's conversation: reading its messages, replying and adding internal notes."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.api import docs
from tickets.api import serializers as s
from tickets.api.common import conflict
from tickets.api.views.base import paginated_answer, uploaded_files
from tickets.models import Attachment, Message, Status
from tickets.presence import messages_added


class MessageListView(APIView):
    @extend_schema(
        operation_id="messages_list",
        summary="A ticket's messages",
        description="Oldest first. Customers never see internal notes nor their files.",
        parameters=[docs.NUMBER, docs.PAGE, docs.page_size("Messages")],
        responses={200: docs.paginated(s.MessageSerializer, "PaginatedMessageList"), **docs.ERRORS},
    )
    def get(self, request: AuthenticatedRequest, number: int) -> Response:
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
        parameters=[docs.NUMBER],
        request=docs.json_or_multipart(s.MessageCreateSerializer),
        responses={
            201: s.MessageSerializer,
            409: OpenApiResponse(
                description="The ticket is closed (`code: ticket_closed`), or, when `seen` "
                "was sent, someone else added a public message since (`code: messages_added`, "
                "with `added`: those messages and any internal notes beside them)."
            ),
            413: docs.TOO_LARGE,
            **docs.ERRORS,
        },
        examples=[
            OpenApiExample(
                "Solve with a reply",
                request_only=True,
                value={"body": "Fixed in release 4.2.", "status": "solved"},
            ),
            OpenApiExample(
                "Reply unless someone else replied after message 41",
                request_only=True,
                value={"body": "Fixed in release 4.2.", "seen": 41},
            ),
        ],
    )
    def post(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        form = s.MessageCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if not request.user.is_support_staff:
            for field in ("internal", "status"):
                if request.data.get(field) not in (None, "", False, "false"):
                    raise exceptions.ValidationError(
                        {field: [_("Only support staff can set this.")]}
                    )
        if data.get("seen") is not None and not data["internal"]:
            # Issue 18's collision rule, opted into by sending ``seen``.
            added = list(
                messages_added(
                    ticket=ticket, user=request.user, seen=data["seen"]
                ).prefetch_related(
                    Prefetch(
                        "attachments",
                        queryset=Attachment.objects.visible_to(request.user).order_by("pk"),
                    )
                )
            )
            if any(not message.is_internal for message in added):
                return Response(
                    {
                        "detail": _(
                            "Not sent: messages were added after message %(seen)s. Read them, "
                            "then send again with seen set to the newest."
                        )
                        % {"seen": data["seen"]},
                        "code": "messages_added",
                        "added": s.MessageSerializer(
                            added, many=True, context={"request": request}
                        ).data,
                    },
                    status=status.HTTP_409_CONFLICT,
                )
        if ticket.status == Status.CLOSED:
            # Guidance to the right endpoint; the lifecycle still decides under the lock.
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
        assert reply.message is not None  # an active ticket's reply always posts its message
        message = (
            Message.objects.select_related("author")
            .prefetch_related("attachments")
            .get(pk=reply.message.pk)
        )
        return Response(
            s.MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
