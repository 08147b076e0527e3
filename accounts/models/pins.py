"""Support PINs: their changes and every verification tried."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.users import User


class PinChange(models.Model):
    """A PIN set, changed or reset: who did it and when (the PIN itself is never kept)."""

    class Kind(models.TextChoices):
        SET = "set", _("Set by the user")
        CHANGED = "changed", _("Changed by the user")
        RESET = "reset", _("Reset by support")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pin_changes")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user_id}"


class PinCheck(models.Model):
    """One try at verifying a caller by account alias, email and PIN (seed 000).

    Kept for support admins: who checked, whom (when the alias and email
    named a user), when, and the result. The PIN itself is never stored.
    """

    agent = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the PIN came in an email (the sender check)."),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="pin_checks"
    )
    alias = models.CharField("alias given", max_length=40)
    email = models.CharField("email given", max_length=254)
    verified = models.BooleanField()
    locked_out = models.BooleanField(default=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="pin_check_user_time")]

    def __str__(self) -> str:
        result = "verified" if self.verified else "not verified"
        by = f"by {self.agent_id}" if self.agent_id else "in an email"
        return f"{self.email} ({self.alias}) {result} {by}"
