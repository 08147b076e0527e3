"""The ways to reach the provider, shown by tier and service plan."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import Organization

# The tiers from least to most support.
TIER_ORDER: tuple[str, ...] = ("standard", "professional", "enterprise")


class SupportContactQuerySet(models.QuerySet):
    def applying_to(self, organization: Organization) -> SupportContactQuerySet:
        """The contacts an organisation's people may use: those of its tier or
        below, and of every plan or of its own plan."""
        tier = str(organization.support_tier)
        allowed = TIER_ORDER[: TIER_ORDER.index(tier) + 1] if tier in TIER_ORDER else ()
        return self.filter(minimum_tier__in=allowed).filter(
            Q(service_plan="") | Q(service_plan=organization.service_plan)
        )


class SupportContact(models.Model):
    """A way to reach the provider (seeds 000 and 001), configured by support admins.

    Shown to organisations of at least ``minimum_tier`` (chat and phone are
    for professional and enterprise, seed 000) and, when ``service_plan`` is
    set, only to organisations on that plan (seed 000's Managed Services
    exception). Support emails appear only while the address is an active
    support address of the email channel (``accounts.contacts``).
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")
        WEB = "web", _("Web page")

    class Topic(models.TextChoices):
        SUPPORT = "support", _("Support")
        SALES = "sales", _("Sales")
        BILLING = "billing", _("Billing")

    TIER_ORDER = [
        Organization.Tier.STANDARD,
        Organization.Tier.PROFESSIONAL,
        Organization.Tier.ENTERPRISE,
    ]

    kind = models.CharField(max_length=10, choices=Kind.choices)
    topic = models.CharField(
        max_length=10,
        choices=Topic.choices,
        default=Topic.SUPPORT,
        help_text=_("Sales and billing contacts are also shortcuts on the customers' ticket list."),
    )
    label = models.CharField(max_length=100, help_text=_("For example: Incidents, or USA."))
    value = models.CharField(max_length=200, help_text=_("The address, number or link."))
    minimum_tier = models.CharField(
        max_length=20, choices=Organization.Tier.choices, default=Organization.Tier.STANDARD
    )
    service_plan = models.CharField(
        max_length=20,
        choices=Organization.ServicePlan.choices,
        blank=True,
        help_text=_("Empty: every plan. Otherwise only organisations on this plan see it."),
    )
    notes = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = SupportContactQuerySet.as_manager()

    # Not stored: for a support email, the priority its mail opens tickets at
    # (set by ``accounts.contacts`` from the email channel's support address).
    routed_priority = ""

    class Meta:
        ordering = ["kind", "order", "label"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label} {self.value}"

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.EMAIL:
            self.value = self.value.strip().lower()
        super().save(*args, **kwargs)

    @property
    def web_url(self) -> str:
        """The value as a link target if it is a web address; never another scheme."""
        value = self.value.strip()
        return value if value.lower().startswith(("https://", "http://")) else ""

    @property
    def tel_uri(self) -> str:
        """A phone number as a ``tel:`` link: digits and a leading plus only."""
        digits = "".join(ch for ch in self.value if ch.isdigit())
        return f"tel:{'+' if self.value.strip().startswith('+') else ''}{digits}"
