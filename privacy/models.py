"""The audit log of data stewardship: who erased, exported or expired whose data.

An entry is written once, in the transaction that did the work, and never
changed: the admin shows it read-only and ``save`` refuses an update. It holds
no personal data of the person it is about (their id only: after an erasure
their name and email are gone everywhere, here too).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        USER_ERASED = "user_erased", _("User erased")
        RETENTION_APPLIED = "retention_applied", _("Retention applied")
        DATA_EXPORTED = "data_exported", _("Data exported")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")

    action = models.CharField(max_length=30, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did it; empty for the system (a scheduled task)."),
    )
    # The actor's role when they acted, kept if the actor is erased later.
    actor_role = models.CharField(max_length=20, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The organisation whose data it touched; empty for the provider's staff."),
    )
    # Not a foreign key: the entry outlives whatever it names.
    subject_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        whom = self.subject_user_id or "-"
        return f"{self.get_action_display()} #{whom} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit entries are written once and never changed.")
        super().save(*args, **kwargs)


class RetentionPolicy(models.Model):
    """How long closed tickets are kept, for one organisation or one support tier.

    An organisation's own policy wins over its tier's. A ticket is due when it
    was closed more than ``months`` months ago; it is then deleted, or
    anonymised (its content goes, its row and figures stay).
    """

    class Action(models.TextChoices):
        DELETE = "delete", _("Delete the tickets")
        ANONYMISE = "anonymise", _("Anonymise the tickets (keep their figures)")

    organization = models.OneToOneField(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retention_policy",
        help_text=_("The organisation it covers; or choose a tier instead."),
    )
    tier = models.CharField(
        max_length=20,
        blank=True,
        choices=Organization.Tier.choices,
        help_text=_("The support tier it covers (organisations without a policy of their own)."),
    )
    months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("Closed tickets older than this many months are removed."),
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.ANONYMISE)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "retention policy"
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                name="retention_policy_one_scope",
                condition=(
                    Q(organization__isnull=False, tier="")
                    | Q(organization__isnull=True) & ~Q(tier="")
                ),
                violation_error_message="A policy covers either one organisation or one tier.",
            ),
            models.UniqueConstraint(
                fields=["tier"],
                condition=Q(organization__isnull=True),
                name="retention_policy_one_per_tier",
                violation_error_message="That tier has a policy already.",
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.tier
        return f"{scope}: {self.get_action_display()} after {self.months} months"


class AnonymisedTicket(models.Model):
    """A ticket whose content a retention policy removed (its row stays for the figures)."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(default=timezone.now)
    policy = models.ForeignKey(
        RetentionPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class DataExport(models.Model):
    """One requested export: an organisation's data, or one person's own.

    Built by a task into a zip in the storage backend; the requester gets an
    emailed link that works for them only, until ``expires_at``.
    """

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Organisation's data")
        PERSONAL = "personal", _("Personal data")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The organisation exported (kind ORGANIZATION); for a personal export, empty.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(max_length=200, blank=True)
    size = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["state", "created_at"],
                condition=Q(state__in=["pending", "running"]),
                name="data_export_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"
