"""The API's one endpoint above the apps: who you are, with counts from tickets
and notifications.

It reads several apps, so it lives with the project, which composes them
(``helpdesk/urls.py`` adds it to the ``api`` namespace beside the ticket
endpoints of ``tickets.api``); the API's shared plumbing, errors and
pagination are in ``tickets.api.common``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from notifications.models import Notification
from tickets.api import serializers as s
from tickets.api.docs import ERRORS
from tickets.counters import counts_by_status
from tickets.models import Status


class MeView(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="Who you are",
        responses={200: s.MeSerializer, 401: ERRORS[401]},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        waiting = counts_by_status(None if user.is_support_staff else user.organization_id)[
            Status.WAITING
        ]
        me = {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "organization": user.organization,
            "waiting_for_customer_count": waiting,
            "unread_count": Notification.objects.visible_to(user).unread().count(),
        }
        return Response(s.MeSerializer(me).data)
