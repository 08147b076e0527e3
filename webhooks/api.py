"""/api/v1/webhooks/: the webhook pages' acts for scripts (issue 21).

Support admins and customer admins only (anyone else: 403, learning nothing);
a hook outside the caller's door answers 404. Every write is one call of
``webhooks.services``. The delivery body itself is the ``WebhookDelivery``
component of the schema (``webhooks.schema``).
"""

from __future__ import annotations

from typing import ClassVar

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
        extra_kwargs: ClassVar[dict[str, dict[str, str]]] = {
            "id": {"help_text": "The webhook's id, for the other webhook endpoints."},
            "url": {"help_text": "Where deliveries are POSTed."},
            "description": {"help_text": "What it is for, in your words."},
            "event_types": {"help_text": "The event types it hears of."},
            "customer_owned": {
                "help_text": "Registered by a customer admin: gets only what customers see."
            },
            "is_active": {"help_text": "False: it gets no new deliveries."},
            "disabled_reason": {"help_text": "Why it was disabled (by hand, or failures)."},
            "consecutive_failures": {"help_text": "Failed attempts in a row; 0 after a success."},
            "created_at": {"help_text": "When it was registered."},
        }


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret: shown only in this answer.")

    class Meta(WebhookSerializer.Meta):
        fields = (*WebhookSerializer.Meta.fields, "secret")


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=500,
        help_text="An https:// URL of a public address, on port 443 or 8443 "
        "(WEBHOOKS_ALLOWED_PORTS). Its name must resolve within 3 seconds.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.values),
        allow_empty=False,
        help_text="What it hears of; customer admins may not choose sla.breached.",
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="What it is for."
    )
    organization = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Support admins: an organisation's alias, or null for every one. "
        "Ignored for customer admins (always their own).",
    )


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("attempted_at", "response_code", "error", "duration_ms")
        extra_kwargs: ClassVar[dict[str, dict[str, str]]] = {
            "attempted_at": {"help_text": "When the POST was made."},
            "response_code": {"help_text": "The receiver's HTTP status; null if none came."},
            "error": {"help_text": "What went wrong; empty on a 2xx."},
            "duration_ms": {"help_text": "How long the POST took, in milliseconds."},
        }


class WebhookDeliveryLogSerializer(serializers.ModelSerializer):
    attempts_log = WebhookAttemptSerializer(
        source="log", many=True, read_only=True, help_text="Every try, oldest first."
    )

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
        extra_kwargs: ClassVar[dict[str, dict[str, str]]] = {
            "delivery_id": {"help_text": "The X-Helpdesk-Delivery header, the same on retries."},
            "event_type": {"help_text": "The body's type (webhook.test for a test)."},
            "state": {"help_text": "pending, sending, sent (delivered) or failed."},
            "attempts": {"help_text": "How many POSTs were made."},
            "response_code": {"help_text": "The last attempt's HTTP status, if any."},
            "error": {"help_text": "The last attempt's error, if any."},
            "created_at": {"help_text": "When the event was turned into this delivery."},
            "sent_at": {"help_text": "When a 2xx answer came; null until then."},
        }


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


def _input(request, *, hook: Webhook | None = None) -> dict:
    """The validated fields. A support admin's ``organization`` must be said on
    creation (an alias, or null for every organisation); left out of a change,
    the hook keeps its own: a change of URL never widens a hook to everyone."""
    serializer = WebhookInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    said = "organization" in request.data
    alias = data.pop("organization", None)
    data["organization"] = None
    if not request.user.is_staff:
        return data
    if not said:
        if hook is not None:
            data["organization"] = hook.organization
            return data
        raise exceptions.ValidationError(
            {
                "organization": [
                    _(
                        "Say whose events it hears: an organisation's alias, or null for "
                        "every organisation's."
                    )
                ]
            }
        )
    if alias:
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
        summary="List your webhooks",
        responses={200: docs.paginated(WebhookSerializer, "PaginatedWebhooks"), **ERRORS},
        tags=["webhooks"],
    )
    def get(self, request):
        """The webhooks you manage, newest first."""
        hooks = Webhook.objects.manageable_by(request.user).select_related("organization")
        return paginated_answer(self, request, hooks, WebhookSerializer)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Register a webhook",
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
        summary="Read a webhook",
        parameters=[HOOK_ID],
        responses={200: WebhookSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def get(self, request, hook_id: int):
        return Response(WebhookSerializer(_hook(request, hook_id)).data)

    @extend_schema(
        operation_id="webhooks_update",
        summary="Change a webhook",
        parameters=[HOOK_ID],
        request=WebhookInputSerializer,
        responses={200: WebhookSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def put(self, request, hook_id: int):
        """Replace its URL, events and description (and, for support, its organisation)."""
        hook = _hook(request, hook_id)
        services.hook_update(actor=request.user, hook=hook, **_input(request, hook=hook))
        return Response(WebhookSerializer(_hook(request, hook_id)).data)

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Delete a webhook",
        parameters=[HOOK_ID],
        responses={204: None, **ERRORS},
        tags=["webhooks"],
    )
    def delete(self, request, hook_id: int):
        services.hook_delete(hook=_hook(request, hook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookActiveSerializer(serializers.Serializer):
    is_active = serializers.BooleanField(help_text="True to enable (failures forgotten).")


class WebhookActiveView(HookView):
    @extend_schema(
        operation_id="webhooks_set_active",
        summary="Enable or disable a webhook",
        parameters=[HOOK_ID],
        request=WebhookActiveSerializer,
        responses={200: WebhookSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def post(self, request, hook_id: int):
        """Enable (failures forgotten) or disable it."""
        hook = _hook(request, hook_id)
        serializer = WebhookActiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hook_set_active(hook=hook, active=serializer.validated_data["is_active"])
        return Response(WebhookSerializer(hook).data)


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret, shown only this once.")


class WebhookRotateView(HookView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="Rotate a webhook's secret",
        parameters=[HOOK_ID],
        request=None,
        responses={200: WebhookSecretSerializer, **ERRORS},
        tags=["webhooks"],
    )
    def post(self, request, hook_id: int):
        """A new secret, in force for every send from now on. For the next 24 hours
        (WEBHOOKS_SECRET_OVERLAP_HOURS) each delivery is signed with the previous
        secret too: `X-Helpdesk-Signature: t=<unix seconds>,v1=<new>,v1=<old>`.
        Accept a delivery if any v1 matches a secret you hold, and switch to the
        new one within that time."""
        return Response({"secret": services.hook_rotate_secret(hook=_hook(request, hook_id))})


class WebhookTestView(HookView):
    @extend_schema(
        operation_id="webhooks_send_test",
        summary="Send a test delivery",
        parameters=[HOOK_ID],
        request=None,
        responses={
            202: WebhookDeliveryLogSerializer,
            **ERRORS,
            429: OpenApiResponse(
                description="More than 5 tests of this webhook in a minute; see `Retry-After`."
            ),
        },
        tags=["webhooks"],
    )
    def post(self, request, hook_id: int):
        """Queue one webhook.test delivery; its outcome appears in the deliveries.
        At most 5 a minute per webhook (WEBHOOKS_TEST_RATE): past that, 429 and
        Retry-After."""
        try:
            delivery = services.hook_send_test(hook=_hook(request, hook_id))
        except services.SendTestThrottled as refused:
            raise exceptions.Throttled(
                wait=refused.seconds,
                detail=_("Too many test deliveries for this webhook; try again in %(seconds)d s.")
                % {"seconds": refused.seconds},
            ) from refused
        return Response(
            WebhookDeliveryLogSerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )


class WebhookDeliveriesView(HookView):
    @extend_schema(
        operation_id="webhooks_deliveries",
        summary="A webhook's delivery log",
        parameters=[HOOK_ID, docs.CURSOR, docs.PAGE],
        responses={
            200: docs.paginated(
                WebhookDeliveryLogSerializer,
                "PaginatedWebhookDeliveries",
                count_help=docs.CURSOR_COUNT,
            ),
            **ERRORS,
        },
        tags=["webhooks"],
    )
    def get(self, request, hook_id: int):
        """Its delivery log, newest first (kept WEBHOOKS_LOG_DAYS days), paged by
        cursor: follow `next` and `previous`."""
        hook = _hook(request, hook_id)
        deliveries = (
            WebhookDelivery.objects.filter(webhook=hook)
            .prefetch_related(
                Prefetch("log", queryset=WebhookAttempt.objects.order_by("attempted_at", "id"))
            )
            .order_by("-created_at", "-id")  # said: the cursor is made of these
        )
        return paginated_answer(
            self, request, deliveries, WebhookDeliveryLogSerializer, keyset=True
        )
