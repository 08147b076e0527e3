"""The audit log of data stewardship: who erased, exported or expired whose data.

An entry is written once, in the transaction that did the work, and never
changed: the admin shows it read-only and ``save`` refuses an update. It holds
no personal data of the person it is about (their id only: after an erasure
their name and email are gone everywhere, here too).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        USER_ERASED = "user_erased", _("User erased")

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
