"""Saved views (issue 18): the queue's filters, search and sort kept under a name.

Support staff only (``IsSupportStaff``: a customer's token answers 403 and
learns nothing of any view). Another agent's personal view answers 404, as
if it did not exist; a shared view is changed by support admins only (403
for other agents). Every write is one call of ``tickets.services``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import AuthenticatedRequest
from tickets import services
from tickets.api import docs
from tickets.api.common import Pagination
from tickets.api.views.macros import StaffOnlyView
from tickets.models import SAVED_VIEW_NAME_MAX_LENGTH, SAVED_VIEW_QUERY_MAX_LENGTH, SavedView
from tickets.queues import QUEUE_VIEWS
from tickets.services.saved_views import COUNTED_IN_SIDEBAR

VIEW_ID = OpenApiParameter("view_id", int, OpenApiParameter.PATH, description="Saved view id.")
STAFF_ONLY = OpenApiResponse(
    description="Support staff only; or a shared view, which only support admins change."
)
NO_404 = {code: response for code, response in docs.ERRORS.items() if code != 404}
NOT_FOUND = OpenApiResponse(description="No such view, or another agent's personal one.")
BASE_HELP = "The queue view it narrows: " + ", ".join(QUEUE_VIEWS) + "."
QUERY_HELP = (
    "The queue's parameters, as a query string: q (search), organization (alias), status, "
    "priority (1-4), category (slug), assignee (email or none), tag, sla, sort. Unknown "
    "parameters are dropped; an invalid one is refused (400 on query, naming it)."
)


class SavedViewSerializer(serializers.ModelSerializer):
    shared = serializers.BooleanField(
        source="is_shared", help_text="Shared with every agent (support admins manage these)."
    )
    owner = serializers.EmailField(
        source="owner.email", allow_null=True, help_text="The agent it belongs to; null if shared."
    )
    filters = serializers.SerializerMethodField(help_text="The query's parameters, by name.")
    url = serializers.SerializerMethodField(help_text="The queue page that shows it.")
    count = serializers.SerializerMethodField(
        help_text="How many tickets it shows you now, counted to the list cap and one more "
        "(more than the cap means 'cap+'), kept 30 seconds. In a list, null past the first "
        f"{COUNTED_IN_SIDEBAR} views of a page or when counting them took too long."
    )
    count_estimated = serializers.SerializerMethodField(
        help_text="Whether count is the database's estimate (a search matching many)."
    )
    can_manage = serializers.SerializerMethodField(help_text="Whether you may change or delete it.")

    class Meta:
        model = SavedView
        fields = (
            "id",
            "name",
            "shared",
            "owner",
            "base",
            "query",
            "filters",
            "position",
            "url",
            "count",
            "count_estimated",
            "can_manage",
            "created_at",
            "updated_at",
        )
        extra_kwargs: ClassVar[dict[str, dict[str, str]]] = {
            "id": {"help_text": "The view's id, for the other view endpoints."},
            "name": {"help_text": "What the queue's list of saved views shows."},
            "base": {"help_text": BASE_HELP},
            "query": {"help_text": "The queue's parameters it keeps, as a query string."},
            "position": {"help_text": "Lower first in the list; then by name."},
            "created_at": {"help_text": "When it was created."},
            "updated_at": {"help_text": "When it was last changed."},
        }

    def get_filters(self, view: SavedView) -> dict[str, str]:
        return {name: str(value) for name, value in QueryDict(view.query).items()}

    def get_url(self, view: SavedView) -> str:
        return self.context["request"].build_absolute_uri(services.saved_view_url(view))

    def get_count(self, view: SavedView) -> int | None:
        count = self.context.get("counts", {}).get(view.pk)
        return int(count.lstrip("~")) if isinstance(count, str) else count

    def get_count_estimated(self, view: SavedView) -> bool:
        return isinstance(self.context.get("counts", {}).get(view.pk), str)

    def get_can_manage(self, view: SavedView) -> bool:
        return services.saved_view_can_manage(self.context["request"].user, view)


class SavedViewInputSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=SAVED_VIEW_NAME_MAX_LENGTH, help_text="What the queue's list shows."
    )
    base = serializers.ChoiceField(choices=list(QUEUE_VIEWS), help_text=BASE_HELP)
    query = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SAVED_VIEW_QUERY_MAX_LENGTH,
        help_text=QUERY_HELP,
    )
    shared = serializers.BooleanField(
        required=False,
        default=False,
        help_text="On creation only: shared with every agent (support admins only).",
    )
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=1000, help_text="Lower first in the list."
    )


def _view(request: AuthenticatedRequest, pk: int) -> SavedView:
    try:
        return services.saved_view_for(request.user, pk)
    except SavedView.DoesNotExist:
        raise exceptions.NotFound(_("No such view.")) from None


def _answer(request: Request, view: SavedView, code: int = status.HTTP_200_OK) -> Response:
    counts = services.saved_view_counts(request.user, [view])  # type: ignore[arg-type]
    context = {"request": request, "counts": counts}
    return Response(SavedViewSerializer(view, context=context).data, status=code)


EXAMPLE = OpenApiExample(
    "Urgent VIP tickets",
    request_only=True,
    value={"name": "Urgent VIP", "base": "active", "query": "priority=4&tag=vip&sort=-priority"},
)


class SavedViewListView(StaffOnlyView):
    @extend_schema(
        operation_id="views_list",
        summary="Saved views",
        description="Your own saved views, then the shared ones, each by position and name. "
        "Support staff only.",
        parameters=[docs.PAGE, docs.page_size("Views")],
        responses={
            **docs.ERRORS,
            200: docs.paginated(SavedViewSerializer, "PaginatedSavedViews"),
            403: STAFF_ONLY,
            404: OpenApiResponse(description="No such page."),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        views = (
            SavedView.objects.visible_to(request.user)
            .select_related("owner")
            .order_by(F("owner").asc(nulls_last=True), "position", "name", "pk")
        )
        paginator = Pagination()
        page = list(paginator.paginate_queryset(views, request, view=self) or [])
        counts = services.saved_view_counts(request.user, page)
        data = SavedViewSerializer(
            page, many=True, context={"request": request, "counts": counts}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="views_create",
        summary="Save a view",
        description="Personal to you, or `shared` (support admins only: 400 on `shared`). "
        "At most 30 views each (400 on `name`).",
        request=SavedViewInputSerializer,
        responses={**NO_404, 201: SavedViewSerializer, 403: STAFF_ONLY},
        examples=[EXAMPLE],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        form = SavedViewInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        view = services.saved_view_create(
            actor=request.user,
            name=data["name"],
            base=data["base"],
            query=data.get("query", ""),
            shared=data.get("shared", False),
            position=data.get("position", 0),
        )
        return _answer(request, view, status.HTTP_201_CREATED)


class SavedViewDetailView(StaffOnlyView):
    @extend_schema(
        operation_id="views_retrieve",
        summary="A saved view",
        description="A shared view or one of your own, with its count.",
        parameters=[VIEW_ID],
        responses={**docs.ERRORS, 200: SavedViewSerializer, 403: STAFF_ONLY, 404: NOT_FOUND},
    )
    def get(self, request: AuthenticatedRequest, view_id: int) -> Response:
        return _answer(request, _view(request, view_id))

    @extend_schema(
        operation_id="views_update",
        summary="Change a saved view",
        description="Its name, base, query or position; whether it is shared does not change.",
        parameters=[VIEW_ID],
        request=SavedViewInputSerializer,
        responses={**docs.ERRORS, 200: SavedViewSerializer, 403: STAFF_ONLY, 404: NOT_FOUND},
        examples=[OpenApiExample("Rename", request_only=True, value={"name": "VIP, urgent"})],
    )
    def patch(self, request: AuthenticatedRequest, view_id: int) -> Response:
        view = _view(request, view_id)
        form = SavedViewInputSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        changes.pop("shared", None)
        try:
            view = services.saved_view_update(view=view, actor=request.user, **changes)
        except SavedView.DoesNotExist:
            raise exceptions.NotFound(_("No such view.")) from None
        return _answer(request, view)

    @extend_schema(
        operation_id="views_destroy",
        summary="Delete a saved view",
        description="Your own, or (support admins) a shared one.",
        parameters=[VIEW_ID],
        responses={**docs.ERRORS, 204: None, 403: STAFF_ONLY, 404: NOT_FOUND},
    )
    def delete(self, request: AuthenticatedRequest, view_id: int) -> Response:
        services.saved_view_delete(view=_view(request, view_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
