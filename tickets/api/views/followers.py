"""A ticket's followers (issue 18): who else hears of it.

The rules are the service's (``tickets.services.followers``): customers add
active users of their own organisation, support staff also agents and
themselves; a customer sees only their organisation's followers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.api import docs
from tickets.api import serializers as s
from tickets.models import FOLLOWERS_PER_TICKET, TicketFollower

_EXAMPLE = {
    "id": 7,
    "name": "Bob Brandt",
    "email": "bob@acme.example",
    "support": False,
    "added_at": "2026-11-30T09:12:00Z",
}


def _followers(request: AuthenticatedRequest, ticket) -> list:
    return list(
        TicketFollower.objects.visible_to(request.user)
        .filter(ticket=ticket)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def _answer(request: AuthenticatedRequest, rows, *, code: int = status.HTTP_200_OK) -> Response:
    data = s.FollowerSerializer(rows, many=True, context={"request": request}).data
    viewer = request.user
    if not viewer.is_support_staff:
        for row in data:
            # As everywhere, customers know support by name only; and a member,
            # as in the page's menu, reads colleagues' names but no address
            # (their organisation's admins, who manage its people, do).
            if row["support"] or (not viewer.is_org_admin and row["id"] != viewer.pk):
                row["email"] = None
    return Response(data, status=code)


class FollowerListView(APIView):
    @extend_schema(
        operation_id="followers_list",
        summary="A ticket's followers",
        description=(
            "Everyone who gets the ticket's notifications besides its requester, by name; "
            f"at most {FOLLOWERS_PER_TICKET}, so not paginated. Customers "
            "see their organisation's followers only."
        ),
        parameters=[docs.NUMBER],
        responses={200: s.FollowerSerializer(many=True), **docs.ERRORS},
        examples=[OpenApiExample("Followers", value=[_EXAMPLE], response_only=True)],
    )
    def get(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        return _answer(request, _followers(request, ticket))

    @extend_schema(
        operation_id="followers_add",
        summary="Add a follower",
        description=(
            "Name the person by `user` (id) or `email`. Customers add active users of "
            "the ticket's own organisation; support staff may also add agents and "
            "themselves. Answers the followers afterwards: 201 when the person was added, "
            "200 when they already followed. Anyone else (another organisation's user, an "
            "unknown address, the integration user) answers 400 on the field, with the "
            "same sentence whether or not such a person exists; so do the requester "
            f"(who hears of everything already) and a ticket already at "
            f"{FOLLOWERS_PER_TICKET} followers."
        ),
        parameters=[docs.NUMBER],
        request=s.FollowerAddSerializer,
        responses={
            200: s.FollowerSerializer(many=True),
            201: s.FollowerSerializer(many=True),
            **docs.ERRORS,
        },
        examples=[
            OpenApiExample("By id", value={"user": 7}, request_only=True),
            OpenApiExample("By email", value={"email": "bob@acme.example"}, request_only=True),
            OpenApiExample("Added", value=[_EXAMPLE], response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Not a colleague",
                value={"email": ["Choose an active user of this ticket's organisation."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        form = s.FollowerAddSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        person = services.follower_for(
            request.user, ticket, user_id=data.get("user"), email=data.get("email")
        )
        try:
            added = services.ticket_follow(actor=request.user, ticket=ticket, user=person)
        except ValidationError as error:
            if "user" in data or not hasattr(error, "error_dict"):
                raise
            # Named by email: the refusal is about the email field.
            raise ValidationError({"email": error.message_dict.get("user", [])}) from error
        code = status.HTTP_201_CREATED if added is not None else status.HTTP_200_OK
        return _answer(request, _followers(request, ticket), code=code)


class FollowerDetailView(APIView):
    @extend_schema(
        operation_id="followers_remove",
        summary="Remove a follower",
        description=(
            "The follower themself, the ticket's requester, the organisation's customer "
            "admins and support staff may remove a follower (403 for anyone else). A "
            "person not following (or not visible to you) answers 404."
        ),
        parameters=[
            docs.NUMBER,
            OpenApiParameter(
                "user_id", int, OpenApiParameter.PATH, description="The follower's user id."
            ),
        ],
        request=None,
        responses={
            204: OpenApiResponse(description="Removed."),
            403: OpenApiResponse(description="You may not remove this follower."),
            **docs.ERRORS,
        },
    )
    def delete(self, request: AuthenticatedRequest, number: int, user_id: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        if user_id > 2**63 - 1:  # no such id; SQLite would overflow on it
            raise exceptions.NotFound("Not found.")
        follower = (
            TicketFollower.objects.visible_to(request.user)
            .filter(ticket=ticket, user_id=user_id)
            .select_related("user")
            .first()
        )
        if follower is None:
            raise exceptions.NotFound("Not found.")
        services.ticket_unfollow(actor=request.user, ticket=ticket, user=follower.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
