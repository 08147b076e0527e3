"""Lifecycle actions on one ticket: close, reopen, and support's take, assign, wait, solve.

Each is one service call; the lifecycle (``tickets.workflow``) decides under
the ticket's lock, and a refusal answers 409 (``tickets.api.common``).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import services
from tickets.access import get_ticket_for
from tickets.api import docs
from tickets.api import serializers as s
from tickets.api.common import conflict
from tickets.api.views.base import IsSupportStaff, staff_member, ticket_answer, uploaded_files
from tickets.models import Status, Ticket
from tickets.workflow import Action


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
        parameters=[docs.NUMBER],
        request=request,
        responses=responses
        or {
            200: s.TicketDetailSerializer,
            403: OpenApiResponse(description="Support staff only."),
            409: docs.CONFLICT,
            **docs.ERRORS,
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
        request=docs.json_or_multipart(s.ReopenSerializer),
        responses={
            200: s.TicketDetailSerializer,
            201: s.TicketDetailSerializer,
            409: docs.CONFLICT,
            **docs.ERRORS,
        },
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        form = s.ReopenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if ticket.status != Status.CLOSED:
            # Guidance first; the lifecycle still decides under the lock.
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
        assignee = staff_member(form.validated_data["assignee"], field="assignee")
        services.ticket_assign(ticket=ticket, actor=request.user, assignee=assignee)
        return ticket_answer(request, ticket.pk)


class StatusChangeView(TicketActionView):
    """Support moves the ticket to a status; subclasses name the action."""

    staff_only = True
    action: Action

    def act(self, request, ticket):
        services.ticket_change_status(ticket=ticket, actor=request.user, action=self.action)
        return ticket_answer(request, ticket.pk)


class WaitView(StatusChangeView):
    action = Action.WAIT

    @action_schema("Wait for the customer", "Support staff: mark Waiting for customer.")
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)


class SolveView(StatusChangeView):
    action = Action.SOLVE

    @action_schema(
        "Solve a ticket", "Support staff: mark Solved; it closes by itself after 72 hours."
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)


class MergeView(TicketActionView):
    staff_only = True

    @extend_schema(
        operation_id="tickets_merge",
        summary="Merge a ticket into another",
        description=(
            "Support staff: merge this ticket into the ticket numbered `into`, of the same "
            "organisation. Its request, messages and files move to the target with their "
            "authors and times; this ticket is closed for good with `merged_into` set, and "
            "email replies to its threads land in the target. Answers this ticket as it is "
            "now. A target of another organisation, the ticket itself, a closed target or "
            "one that was itself merged answers 400 on `into`; a ticket already merged or "
            "closed answers 409."
        ),
        parameters=[docs.NUMBER],
        request=s.MergeSerializer,
        responses={
            200: s.TicketDetailSerializer,
            403: OpenApiResponse(description="Support staff only."),
            409: docs.CONFLICT,
            **docs.ERRORS,
        },
        examples=[
            OpenApiExample("Merge into #42", value={"into": 42}, request_only=True),
            OpenApiExample(
                "With a note for support",
                value={"into": 42, "comment": "Same outage, reported by phone too."},
                request_only=True,
            ),
            OpenApiExample(
                "Another organisation's ticket",
                value={
                    "into": [
                        "Ticket #42 belongs to another organisation; tickets merge only "
                        "within one organisation."
                    ]
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request, number: int) -> Response:
        return super().post(request, number)

    def act(self, request, ticket):
        form = s.MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.ticket_merge(
            ticket=ticket,
            into=form.validated_data["into"],
            actor=request.user,
            comment=form.validated_data.get("comment", ""),
        )
        return ticket_answer(request, ticket.pk)
