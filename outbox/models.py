"""The outbox of every email that is not a ticket notification.

Invitations, PIN resets, password resets and auto-replies to senders: each is
a row written in the transaction of the act that causes it, sent after commit
by a task that claims it, retried with backoff, and re-queued by the sweeper,
with the states ticket notifications have (``notifications.Notification``
keeps its own rows, rendered at send time, through the same delivery rules
in ``outbox.delivery``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (the recipient may no longer receive it)"


class Purpose(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    PIN_RESET = "pin_reset", "Support PIN reset"
    PIN_CHANGED = "pin_changed", "Support PIN changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    AUTO_REPLY = "auto_reply", "Automatic answer to a sender"
    DATA_EXPORT = "data_export", "Data export ready"
    WEBHOOK_DISABLED = "webhook_disabled", "A webhook was disabled"


class OutboundEmail(models.Model):
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    to = models.CharField(max_length=254)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The user it is for; re-checked when it is sent. Empty for strangers."),
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbound_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.to}"
