"""Organisations: the tenants."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    class Tier(models.TextChoices):
        STANDARD = "standard", _("Standard")
        PROFESSIONAL = "professional", _("Professional")
        ENTERPRISE = "enterprise", _("Enterprise")

    class ReplyPolicy(models.TextChoices):
        REOPEN = "reopen", _("Reopen the ticket")
        FOLLOW_UP = "follow_up", _("Open a linked follow-up ticket")

    class ServicePlan(models.TextChoices):
        """What the provider runs for the customer, beside how much support they buy (tier).

        Seed 000: Managed Services customers have their own ways in for their
        managed operating systems and applications.
        """

        CLOUD = "cloud", _("Cloud services")
        MANAGED = "managed", _("Managed Services")

    name = models.CharField(max_length=200)
    alias = models.CharField(
        "account alias",
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]{1,19}$",
                "An account alias is 2 to 20 capital letters, digits or dashes.",
            )
        ],
        help_text=_("Short code customers quote to support, e.g. ACME."),
    )
    support_tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    service_plan = models.CharField(
        max_length=20,
        choices=ServicePlan.choices,
        default=ServicePlan.CLOUD,
        help_text=_(
            "Managed Services customers also see the Managed Services contacts on Get support."
        ),
    )
    reply_policy = models.CharField(
        "reply to a closed ticket",
        max_length=20,
        choices=ReplyPolicy.choices,
        default=ReplyPolicy.REOPEN,
    )
    satisfaction_enabled = models.BooleanField(
        _("ask for satisfaction ratings"),
        default=True,
        db_default=True,  # rows written by SQL (bench/seed.py) too; adding it rewrites nothing
        help_text=_(
            "When a ticket is solved, its requester is asked to rate it Good or Bad. "
            "Off here, or for the whole support tier (HELPDESK_SATISFACTION_OFF_TIERS), "
            "nobody of the organisation is asked."
        ),
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.alias})"

    @property
    def has_phone_and_chat(self) -> bool:
        return self.support_tier in (self.Tier.PROFESSIONAL, self.Tier.ENTERPRISE)
