"""/api/v1/webhooks/: the webhook pages' acts for scripts (issue 21).

Support admins and customer admins only (anyone else: 403, learning nothing);
a hook outside the caller's door answers 404. Every write is one call of
``webhooks.services``. The delivery body itself is the ``WebhookDelivery``
component of the schema (``webhooks.schema``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from tickets.api import docs
from tickets.api.views.base import paginated_answer
from webhooks import services
from webhooks.models import EventType, Webhook, WebhookAttempt, WebhookDelivery

HOOK_ID = OpenApiParameter("hook_id", int, OpenApiParameter.PATH, description="Webhook id.")
NOT_FOUND = OpenApiResponse(description="No such webhook, or not one you manage.")
ADMINS_ONLY = OpenApiResponse(description="Support admins and customer admins only.")
ERRORS = {**docs.ERRORS, 403: ADMINS_ONLY, 404: NOT_FOUND}


class IsHookAdmin(permissions.BasePermission):
    message = "Only support admins and customer admins manage webhooks."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.is_org_admin))


class HookView(APIView):
    """The default permissions (the token's scope among them) and ``IsHookAdmin``."""

    def get_permissions(self):
        return [*super().get_permissions(), IsHookAdmin()]


class WebhookSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(
        source="organization.alias",
        allow_null=True,
        help_text="The organisation whose events it hears; null: every organisation.",
    )

    class Meta:
        model = Webhook
        fields: tuple[str, ...] = (
            "id",
            "url",
            "description",
            "event_types",
            "organization",
            "customer_owned",
            "is_active",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
        )


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret: shown only in this answer.")

    class Meta(WebhookSerializer.Meta):
        fields = (*WebhookSerializer.Meta.fields, "secret")


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="An https:// URL of a public address.")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.values),
        allow_empty=False,
        help_text="What it hears of; customer admins may not choose sla.breached.",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Support admins: an organisation's alias, or null for every one. "
        "Ignored for customer admins (always their own).",
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("attempted_at", "response_code", "error", "duration_ms")


class DeliverySerializer(serializers.ModelSerializer):
    attempts_log = AttemptSerializer(source="log", many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = (
            "delivery_id",
            "event_type",
            "state",
            "attempts",
            "response_code",
            "error",
            "created_at",
            "sent_at",
            "attempts_log",
        )


def _hook(request, hook_id: int) -> Webhook:
    hook = (
        Webhook.objects.manageable_by(request.user)
        .select_related("organization")
        .filter(pk=hook_id)
        .first()
    )
    if hook is None:
        raise exceptions.NotFound("Not found.")
    return hook


def _input(request) -> dict:
    serializer = WebhookInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    alias = data.pop("organization", None)
    data["organization"] = None
    if alias and request.user.is_staff:
        organization = Organization.objects.filter(alias__iexact=alias).first()
        if organization is None:
            raise exceptions.ValidationError(
                {"organization": [_("No organisation has that alias.")]}
            )
        data["organization"] = organization
    return data


class WebhookListView(HookView):
    @extend_schema(
        operation_id="webhooks_list",
        responses={200: docs.paginated(WebhookSerializer, "PaginatedWebhooks"), **ERRORS},
        tags=["webhooks"],
    )
    def get(self, request):
        """The webhooks you manage, newest first."""
        hooks = Webhook.objects.manageable_by(request.user).select_related("organization")
        return paginated_answer(self, request, hooks, WebhookSerializer)

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookInputSerializer,
        responses={201: WebhookCreatedSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def post(self, request):
        """Register a webhook; the answer holds its secret, shown only this once."""
        try:
            hook, secret = services.hook_create(actor=request.user, **_input(request))
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        hook.secret = secret
        return Response(WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(HookView):
    @extend_schema(
        operation_id="webhooks_retrieve",
        parameters=[HOOK_ID],
        responses={200: WebhookSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def get(self, request, hook_id: int):
        return Response(WebhookSerializer(_hook(request, hook_id)).data)

    @extend_schema(
        operation_id="webhooks_update",
        parameters=[HOOK_ID],
        request=WebhookInputSerializer,
        responses={200: WebhookSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def put(self, request, hook_id: int):
        """Replace its URL, events and description (and, for support, its organisation)."""
        hook = _hook(request, hook_id)
        services.hook_update(actor=request.user, hook=hook, **_input(request))
        return Response(WebhookSerializer(_hook(request, hook_id)).data)

    @extend_schema(
        operation_id="webhooks_destroy",
        parameters=[HOOK_ID],
        responses={204: None, **ERRORS},
        tags=["webhooks"],
    )
    def delete(self, request, hook_id: int):
        services.hook_delete(hook=_hook(request, hook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class _ActiveSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class WebhookActiveView(HookView):
    @extend_schema(
        operation_id="webhooks_set_active",
        parameters=[HOOK_ID],
        request=_ActiveSerializer,
        responses={200: WebhookSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def post(self, request, hook_id: int):
        """Enable (failures forgotten) or disable it."""
        hook = _hook(request, hook_id)
        serializer = _ActiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hook_set_active(hook=hook, active=serializer.validated_data["is_active"])
        return Response(WebhookSerializer(hook).data)


class _SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret, shown only this once.")


class WebhookRotateView(HookView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        parameters=[HOOK_ID],
        request=None,
        responses={200: _SecretSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def post(self, request, hook_id: int):
        """A new secret, in force for every send from now on."""
        return Response({"secret": services.hook_rotate_secret(hook=_hook(request, hook_id))})


class WebhookTestView(HookView):
    @extend_schema(
        operation_id="webhooks_send_test",
        parameters=[HOOK_ID],
        request=None,
        responses={202: DeliverySerializer, **ERRORS},
        tags=["webhooks"],
    )
    def post(self, request, hook_id: int):
        """Queue one webhook.test delivery; its outcome appears in the deliveries."""
        delivery = services.hook_send_test(hook=_hook(request, hook_id))
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveriesView(HookView):
    @extend_schema(
        operation_id="webhooks_deliveries",
        parameters=[HOOK_ID],
        responses={200: docs.paginated(DeliverySerializer, "PaginatedWebhookDeliveries"), **ERRORS},
        tags=["webhooks"],
    )
    def get(self, request, hook_id: int):
        """Its delivery log, newest first (kept WEBHOOKS_LOG_DAYS days)."""
        hook = _hook(request, hook_id)
        deliveries = WebhookDelivery.objects.filter(webhook=hook).prefetch_related(
            Prefetch("log", queryset=WebhookAttempt.objects.order_by("attempted_at", "id"))
        )
        return paginated_answer(self, request, deliveries, DeliverySerializer)
