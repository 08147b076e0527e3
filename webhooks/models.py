"""Signed webhooks: endpoints that hear of ticket events, and their own outbox.

A ``Webhook`` belongs either to support (``organization`` empty: every
organisation; or one organisation) or to a customer organisation (written by
its customer admin; hears only what that organisation's customers may see).

A ``WebhookDelivery`` is one hook × one event × one event type. It is written
in the transaction that processes the ticket event (``notifications``), so an
event is delivered once to each hook or not at all; its JSON body is frozen
then, so every retry sends the same bytes under the same delivery id. It has
the delivery columns of ``outbox.delivery`` (state, attempts,
next_attempt_at, claimed_at, sent_at, error), claimed the same way.
``WebhookAttempt`` is the log: one row per HTTP try.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    MESSAGE_ADDED = "message.added", _("Message added")
    STATUS_CHANGED = "ticket.status_changed", _("Status changed")
    ASSIGNED = "ticket.assigned", _("Assignee changed")
    SOLVED = "ticket.solved", _("Ticket solved")
    CLOSED = "ticket.closed", _("Ticket closed")
    SLA_BREACHED = "sla.breached", _("Service-level target missed")


# What a customer-owned hook may hear of: a missed target is support's own business.
CUSTOMER_EVENT_TYPES = tuple(t for t in EventType if t != EventType.SLA_BREACHED)
TEST_EVENT_TYPE = "webhook.test"


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookQuerySet(models.QuerySet):
    def manageable_by(self, user) -> WebhookQuerySet:
        """The tenant door: support admins manage every hook; a customer admin
        manages their organisation's customer-owned hooks; anyone else none."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_staff:
            return self.all()
        if user.is_org_admin and user.organization_id:
            return self.filter(organization_id=user.organization_id, customer_owned=True)
        return self.none()


class Webhook(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every organisation's events (support hooks only)."),
    )
    customer_owned = models.BooleanField(
        default=False,
        help_text=_("Registered by a customer admin: hears only what its customers may see."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who registered it; told by email when it is disabled."),
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    # Kept as is, not hashed: every delivery is signed with it (HMAC needs the
    # key itself). It is shown once, at creation or rotation, never again.
    secret = models.CharField(max_length=80)
    # The secret before the last rotation: deliveries are signed with it too
    # for WEBHOOKS_SECRET_OVERLAP_HOURS after ``secret_rotated_at``, so a
    # receiver can change its key without refusing deliveries meanwhile.
    previous_secret = models.CharField(max_length=80, blank=True, default="", db_default="")
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer_owned=False) | Q(organization__isnull=False),
                name="webhook_customer_hook_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def event_type_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(name, name)) for name in self.event_types]


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "tickets.TicketEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a test delivery."),
    )
    event_type = models.CharField(max_length=40)
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.TextField(help_text=_("The exact JSON sent, the same on every attempt."))
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event", "event_type"],
                condition=Q(event__isnull=False),
                name="webhook_delivery_once_per_event",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log"),
            models.Index(fields=["created_at"], name="webhook_delivery_age"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.webhook_id}"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery: the log support and customers read."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(default=timezone.now)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.response_code or self.error} for {self.delivery_id}"
