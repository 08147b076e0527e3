"""Macros (issue 18): support's canned answers with actions, and applying one to a ticket.

Support staff only, like the other staff-only endpoints (``IsSupportStaff``:
a customer's token answers 403 and learns nothing of any macro). Another
agent's personal macro answers 404, as if it did not exist; a shared macro
is changed by support admins only (403 for other agents). Every write is one
call of ``tickets.services``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.api import docs
from tickets.api import serializers as s
from tickets.api.views.base import (
    IsSupportStaff,
    category_named,
    paginated_answer,
    staff_member,
    ticket_answer,
)
from tickets.models import (
    MACRO_BODY_MAX_LENGTH,
    MACRO_TITLE_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_PER_TICKET,
    Macro,
)

ME = "me"
MACRO_ID = OpenApiParameter("macro_id", int, OpenApiParameter.PATH, description="Macro id.")
STAFF_ONLY = OpenApiResponse(
    description="Support staff only; or a shared macro, which only support admins change."
)
NO_404 = {code: response for code, response in docs.ERRORS.items() if code != 404}
NOT_FOUND = OpenApiResponse(description="No such macro, or another agent's personal one.")


class MacroSerializer(serializers.ModelSerializer):
    shared = serializers.BooleanField(
        source="is_shared", help_text="Shared with every agent (support admins manage these)."
    )
    owner = serializers.EmailField(
        source="owner.email", allow_null=True, help_text="The agent it belongs to; null if shared."
    )
    status_action = serializers.ChoiceField(
        choices=Macro.StatusAction.values,
        allow_null=True,
        help_text="The status move it makes through the lifecycle: resume (In progress), "
        "wait (Waiting for customer) or solve; null for none.",
    )
    priority = s.PriorityField(allow_null=True, help_text="The priority it sets, or null.")
    category = serializers.SlugField(
        source="category.slug", allow_null=True, help_text="The ticket type it sets, or null."
    )
    tags = serializers.ListField(
        source="tag_list", child=serializers.CharField(), help_text="The tags it adds."
    )
    assignee = serializers.SerializerMethodField(
        help_text='The agent it assigns to (email), "me" for the agent applying it, or null.'
    )
    can_manage = serializers.SerializerMethodField(help_text="Whether you may change or delete it.")

    class Meta:
        model = Macro
        fields = (
            "id",
            "title",
            "body",
            "shared",
            "owner",
            "status_action",
            "priority",
            "category",
            "tags",
            "assignee",
            "usage_count",
            "can_manage",
            "created_at",
            "updated_at",
        )
        extra_kwargs: ClassVar[dict[str, dict[str, str]]] = {
            "id": {"help_text": "The macro's id, for the other macro endpoints."},
            "title": {"help_text": "What agents pick it by."},
            "body": {"help_text": "Markdown with placeholders, as saved."},
            "usage_count": {"help_text": "How many times it was applied."},
            "created_at": {"help_text": "When it was created."},
            "updated_at": {"help_text": "When it was last changed."},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["status_action"] = instance.status_action or None
        return data

    def get_assignee(self, macro: Macro) -> str | None:
        if macro.assign_to_me:
            return ME
        return macro.assignee.email if macro.assignee_id else None  # type: ignore[union-attr]

    def get_can_manage(self, macro: Macro) -> bool:
        return services.macro_can_manage(self.context["request"].user, macro)


class MacroInputSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=MACRO_TITLE_MAX_LENGTH, help_text="What agents pick it by."
    )
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MACRO_BODY_MAX_LENGTH,
        help_text="Markdown with placeholders such as {{ requester.first_name }}, "
        "{{ ticket.number }}, {{ organization.alias }}, {{ agent.name }}, {{ sla.due }}; "
        "an unknown placeholder is refused (400 on body, naming it).",
    )
    shared = serializers.BooleanField(
        required=False,
        default=False,
        help_text="On creation only: shared with every agent (support admins only).",
    )
    status_action = serializers.ChoiceField(
        choices=Macro.StatusAction.values,
        required=False,
        allow_null=True,
        help_text="resume (In progress), wait (Waiting for customer), solve, or null for none.",
    )
    priority = s.PriorityField(
        required=False, allow_null=True, help_text="low, normal, high, urgent, or null."
    )
    category = serializers.SlugField(
        required=False, allow_null=True, help_text="A ticket type's slug, or null."
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=TAGS_PER_TICKET,
        help_text="Tags the macro adds (the whole list).",
    )
    assignee = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=254,
        help_text='An agent\'s email, "me" (whoever applies it), or null.',
    )


class MacroApplySerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The message to post instead of the macro's own text (filled in for the "
        "ticket); empty posts no message.",
    )
    internal = serializers.BooleanField(
        required=False, default=False, help_text="Post the message as an internal note."
    )


class StaffOnlyView(APIView):
    """The default permissions (authenticated, token scope) and support staff only."""

    def get_permissions(self):
        return [*super().get_permissions(), IsSupportStaff()]


def _service_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The input's names turned into what ``macro_create``/``macro_update`` take."""
    fields = dict(data)
    fields.pop("shared", None)
    if "status_action" in fields:
        fields["status_action"] = fields["status_action"] or ""
    if "category" in fields:
        slug = fields["category"]
        fields["category"] = category_named(slug) if slug else None
    if "tags" in fields:
        fields["tags"] = " ".join(fields["tags"])
    if "assignee" in fields:
        chosen = fields.pop("assignee")
        fields["assign_to_me"] = chosen == ME
        fields["assignee"] = (
            None if chosen in (None, ME) else staff_member(chosen, field="assignee")
        )
    return fields


def _macro(request: AuthenticatedRequest, pk: int) -> Macro:
    try:
        return services.macro_for(request.user, pk)
    except Macro.DoesNotExist:
        raise exceptions.NotFound(_("No such macro.")) from None


def _answer(request: Request, macro: Macro, code: int = status.HTTP_200_OK) -> Response:
    return Response(MacroSerializer(macro, context={"request": request}).data, status=code)


EXAMPLE = OpenApiExample(
    "Ask for logs",
    request_only=True,
    value={
        "title": "Ask for logs",
        "body": "Hello {{ requester.first_name }},\n\nCould you send us the logs for "
        "#{{ ticket.number }}?\n\n{{ agent.name }}",
        "status_action": "wait",
        "tags": ["needs-logs"],
        "assignee": "me",
    },
)


class MacroListView(StaffOnlyView):
    @extend_schema(
        operation_id="macros_list",
        summary="Macros",
        description="The shared macros and your own, by title. Support staff only.",
        parameters=[docs.PAGE, docs.page_size("Macros")],
        responses={
            **docs.ERRORS,
            200: docs.paginated(MacroSerializer, "PaginatedMacros"),
            403: STAFF_ONLY,
            404: OpenApiResponse(description="No such page."),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        macros = (
            Macro.objects.visible_to(request.user)
            .select_related("owner", "category", "assignee")
            .order_by("title", "pk")
        )
        return paginated_answer(self, request, macros, MacroSerializer)

    @extend_schema(
        operation_id="macros_create",
        summary="Create a macro",
        description="Personal to you, or `shared` (support admins only: 400 on `shared`).",
        request=MacroInputSerializer,
        responses={**NO_404, 201: MacroSerializer, 403: STAFF_ONLY},
        examples=[EXAMPLE],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        form = MacroInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        shared = form.validated_data.get("shared", False)
        macro = services.macro_create(
            actor=request.user, shared=shared, **_service_fields(form.validated_data)
        )
        return _answer(request, macro, status.HTTP_201_CREATED)


class MacroDetailView(StaffOnlyView):
    @extend_schema(
        operation_id="macros_retrieve",
        summary="A macro",
        description="A shared macro or one of your own.",
        parameters=[MACRO_ID],
        responses={**docs.ERRORS, 200: MacroSerializer, 403: STAFF_ONLY, 404: NOT_FOUND},
    )
    def get(self, request: AuthenticatedRequest, macro_id: int) -> Response:
        return _answer(request, _macro(request, macro_id))

    @extend_schema(
        operation_id="macros_update",
        summary="Change a macro",
        description="Any of its fields; whether it is shared does not change.",
        parameters=[MACRO_ID],
        request=MacroInputSerializer,
        responses={**docs.ERRORS, 200: MacroSerializer, 403: STAFF_ONLY, 404: NOT_FOUND},
        examples=[OpenApiExample("Solve too", request_only=True, value={"status_action": "solve"})],
    )
    def patch(self, request: AuthenticatedRequest, macro_id: int) -> Response:
        macro = _macro(request, macro_id)
        form = MacroInputSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        fields = _service_fields(form.validated_data)
        services.macro_update(macro=macro, actor=request.user, **fields)
        return _answer(request, _macro(request, macro_id))

    @extend_schema(
        operation_id="macros_destroy",
        summary="Delete a macro",
        description="Your own, or (support admins) a shared one.",
        parameters=[MACRO_ID],
        responses={**docs.ERRORS, 204: None, 403: STAFF_ONLY, 404: NOT_FOUND},
    )
    def delete(self, request: AuthenticatedRequest, macro_id: int) -> Response:
        services.macro_delete(macro=_macro(request, macro_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MacroApplyView(StaffOnlyView):
    @extend_schema(
        operation_id="tickets_apply_macro",
        summary="Apply a macro to a ticket",
        description=(
            "Posts the macro's text filled in for the ticket (or `body` instead) and applies "
            "its status action (through the lifecycle: a move it refuses answers 409 and "
            "nothing changes), priority, ticket type, assignee and tags, all in one act. "
            "Answers the ticket."
        ),
        parameters=[docs.NUMBER, MACRO_ID],
        request=MacroApplySerializer,
        responses={
            200: s.TicketDetailSerializer,
            403: STAFF_ONLY,
            404: OpenApiResponse(description="No such ticket or macro."),
            409: docs.CONFLICT,
            **NO_404,
        },
        examples=[
            OpenApiExample("As written", request_only=True, value={}),
            OpenApiExample(
                "Edited, as a note",
                request_only=True,
                value={"body": "Asked for the logs by phone.", "internal": True},
            ),
        ],
    )
    def post(self, request: AuthenticatedRequest, number: int, macro_id: int) -> Response:
        ticket = get_ticket_for(request.user, number)
        macro = _macro(request, macro_id)
        form = MacroApplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.macro_apply(
            macro=macro,
            ticket=ticket,
            agent=request.user,
            body=form.validated_data.get("body"),
            internal=form.validated_data["internal"],
        )
        return ticket_answer(request, ticket.pk)
