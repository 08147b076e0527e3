"""The email channel: support addresses, every received message, and replies to strangers.

Each raw message is stored (``InboundEmail.raw``) before anything parses it,
keyed by its Message-ID (or its SHA-256 when it has none), so a second
delivery of the same message finds the first and changes nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Priority


class SupportAddress(models.Model):
    """An address customers write to, and what mail to it means."""

    email = models.EmailField(unique=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Tickets opened by mail to this address get this type (default: the first)."),
    )
    is_active = models.BooleanField("active", default=True)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "support addresses"

    def __str__(self) -> str:
        return f"{self.email} ({self.get_priority_display()})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class InboundEmail(models.Model):
    """One received message and what became of it."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received, not yet handled"
        PROCESSING = "processing", "Being handled"
        TICKET = "ticket", "Opened a ticket"
        REPLY = "reply", "Added to a ticket"
        QUARANTINED = "quarantined", "Quarantined"
        IGNORED = "ignored", "Ignored (automatic mail)"
        DISCARDED = "discarded", "Discarded by support"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        IMAP = "imap", "IMAP mailbox"
        PIPE = "pipe", "MTA pipe or file"

    dedupe_key = models.CharField(max_length=300, unique=True)
    message_id = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PIPE)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    recipient = models.CharField(
        max_length=254, blank=True, help_text=_("The support address it reached.")
    )
    subject = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text=_("Why it landed where it did.")
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "received email"

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject or '(no subject)'}"


class AutoReply(models.Model):
    """A message we send back to a sender: the record of the decision (one
    stranger answer a day per address). It is sent through ``outbox``."""

    class Kind(models.TextChoices):
        STRANGER = "stranger", "How to reach support (unknown sender)"
        REFUSED_FILES = "refused_files", "Files we could not accept"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    address = models.CharField(max_length=254)
    day = models.DateField()
    inbound = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="auto_replies")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    in_reply_to = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "auto replies"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "day"],
                condition=models.Q(kind="stranger"),
                name="one_stranger_reply_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.address}"
