"""Notifications: one row per recipient per ticket event.

A row is both the in-app notification (read or not) and the email outbox
entry (pending, sending, sent, failed, or off by the user's preference).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # What customers hear of (seed 002, seed 001).
    SUPPORT_REPLY = "support_reply", _("Support replied")
    WAITING = "waiting", _("A ticket waits for you")
    OPENED_FOR_YOU = "opened_for_you", _("Support opened a ticket for you")
    SOLVED = "solved", _("A ticket was solved")
    CLOSED = "closed", _("A ticket was closed")
    RECEIVED = "received", _("Your email became a ticket")
    WAITING_REMINDER = "waiting_reminder", _("A ticket still waits for your answer")
    # Seed 001: "email notifications for any updates to the ticket".
    IN_PROGRESS = "in_progress", _("Support took a ticket into progress")
    ASSIGNEE = "assignee", _("Support changed who handles a ticket")
    PRIORITY = "priority", _("Support changed a ticket's priority")
    CATEGORY = "category", _("Support changed a ticket's type")
    REFERENCE = "reference", _("Support changed a ticket's internal reference")
    # What support hears of.
    NEW_TICKET = "new_ticket", _("New ticket")
    CUSTOMER_REPLY = "customer_reply", _("Customer replied on your ticket")
    REOPENED = "reopened", _("Ticket reopened")
    SLA_WARNING = "sla_warning", _("A service-level target is due soon")
    SLA_BREACHED = "sla_breached", _("A service-level target was missed")


CUSTOMER_KINDS = (
    Kind.SUPPORT_REPLY,
    Kind.WAITING,
    Kind.WAITING_REMINDER,
    Kind.OPENED_FOR_YOU,
    Kind.SOLVED,
    Kind.CLOSED,
    Kind.RECEIVED,
    Kind.IN_PROGRESS,
    Kind.ASSIGNEE,
    Kind.PRIORITY,
    Kind.CATEGORY,
    Kind.REFERENCE,
)
SUPPORT_KINDS = (
    Kind.NEW_TICKET,
    Kind.CUSTOMER_REPLY,
    Kind.REOPENED,
    Kind.SLA_WARNING,
    Kind.SLA_BREACHED,
)


class EmailState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    OFF = "off", _("Email turned off")
    SKIPPED = "skipped", _("Skipped (the recipient may no longer receive it)")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A user sees their own notifications only."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        mine = self.filter(recipient=user)
        if user.is_support_staff:
            return mine
        # A customer moved to another organisation no longer sees the old one's.
        return mine.filter(organization_id=user.organization_id)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("tickets.TicketEvent", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Told only because they followed the ticket (issue 18): the email goes
    # only if they still follow it when it is sent.
    as_follower = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["email_state", "email_next_attempt_at"],
                condition=Q(email_state__in=["pending", "sending"]),
                name="notification_email_outbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id} (#{self.ticket_id})"

    def headline(self) -> str:
        """The in-app line. An organisation admin told of a ticket support opened
        for a colleague reads whose it is, not "for you"."""
        if self.kind == Kind.OPENED_FOR_YOU and self.ticket.requester_id != self.recipient_id:
            return gettext("Support opened a ticket for %(requester)s") % {
                "requester": self.ticket.requester.full_name
            }
        return self.get_kind_display()

    def closes_at(self) -> datetime | None:
        """When a solved ticket of this notification closes by itself (the act's time
        plus the auto-close delay); None for other kinds."""
        if self.kind != Kind.SOLVED:
            return None
        return self.event.created_at + settings.HELPDESK_AUTO_CLOSE_AFTER


class EmailOptOut(models.Model):
    """A kind of email a user turned off (in-app notifications stay)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user_id} does not want {self.kind} emails"
