"""The ticket types a ticket can be opened with."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.api import docs
from tickets.api import serializers as s
from tickets.models import Category


class CategoryListView(APIView):
    @extend_schema(
        operation_id="categories_list",
        summary="Ticket types",
        description="The active categories a ticket can be opened with.",
        responses={200: s.CategorySerializer(many=True), 401: docs.ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        categories = Category.objects.filter(is_active=True)
        return Response(s.CategorySerializer(categories, many=True).data)
