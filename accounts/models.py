"""Organisations (the tenants) and the people who use the desk.

A customer belongs to exactly one organisation; provider staff (agents and
support admins) belong to none. The database enforces that pairing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Organization(models.Model):
    class Tier(models.TextChoices):
        STANDARD = "standard", "Standard"
        PROFESSIONAL = "professional", "Professional"
        ENTERPRISE = "enterprise", "Enterprise"

    class ReplyPolicy(models.TextChoices):
        REOPEN = "reopen", "Reopen the ticket"
        FOLLOW_UP = "follow_up", "Open a linked follow-up ticket"

    class ServicePlan(models.TextChoices):
        """What the provider runs for the customer, beside how much support they buy (tier).

        Seed 000: Managed Services customers have their own ways in for their
        managed operating systems and applications.
        """

        CLOUD = "cloud", "Cloud services"
        MANAGED = "managed", "Managed Services"

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
        help_text="Short code customers quote to support, e.g. ACME.",
    )
    support_tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    service_plan = models.CharField(
        max_length=20,
        choices=ServicePlan.choices,
        default=ServicePlan.CLOUD,
        help_text="Managed Services customers also see the Managed Services contacts "
        "on Get support.",
    )
    reply_policy = models.CharField(
        "reply to a closed ticket",
        max_length=20,
        choices=ReplyPolicy.choices,
        default=ReplyPolicy.REOPEN,
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


class UserQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> UserQuerySet:
        """The tenant door for people: a customer admin sees their organisation's
        users, support staff see everyone, anyone else no one."""
        if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
            return self.none()
        if viewer.is_support_staff:
            return self.all()
        if viewer.role == User.Role.ADMIN and viewer.organization_id:
            return self.filter(organization_id=viewer.organization_id)
        return self.none()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", User.Role.MEMBER)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(role=User.Role.SUPPORT_ADMIN, is_superuser=True, organization=None)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        MEMBER = "member", "Customer member"
        ADMIN = "admin", "Customer admin"
        AGENT = "agent", "Support agent"
        SUPPORT_ADMIN = "support_admin", "Support admin"

    CUSTOMER_ROLES = (Role.MEMBER, Role.ADMIN)
    STAFF_ROLES = (Role.AGENT, Role.SUPPORT_ADMIN)

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Empty for the provider's own staff.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The support PIN (seed 000), hashed like a password; never shown again.
    support_pin = models.CharField(max_length=128, blank=True, editable=False)
    support_pin_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Failed verifications before this moment no longer count toward a lockout.
    pin_lockout_cleared_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Seed 002: the ticket page's information panel, opened by an arrow and
    # closed with an x; remembered for the user on every device.
    ticket_panel_open = models.BooleanField(
        "ticket information panel open",
        default=True,
        help_text="Whether ticket pages show the information panel unfolded.",
    )
    # Issue 20: the agent queue's optional columns this user chose, in any
    # order (the page keeps its own); empty means the default set.
    queue_columns = models.JSONField(
        "queue columns",
        default=list,
        blank=True,
        help_text="The optional columns an agent shows in the queue; empty for the default set.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                name="user_customers_have_an_organization",
                condition=(
                    Q(role__in=["member", "admin"], organization__isnull=False)
                    | Q(role__in=["agent", "support_admin"], organization__isnull=True)
                ),
                violation_error_message=(
                    "Customers belong to an organisation; support staff belong to none."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_support_staff(self) -> bool:
        """Agents and support admins: the provider's people, who see every organisation."""
        return self.role in self.STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role in self.CUSTOMER_ROLES

    @property
    def is_org_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Django admin access is for support admins only."""
        return self.role == self.Role.SUPPORT_ADMIN

    # Support admins administer everything (DESIGN.md, roles); others keep
    # Django's permission rules.
    def has_perm(self, perm, obj=None) -> bool:
        if self.is_active and self.role == self.Role.SUPPORT_ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and self.role == self.Role.SUPPORT_ADMIN:
            return True
        return super().has_module_perms(app_label)


class PinChange(models.Model):
    """A PIN set, changed or reset: who did it and when (the PIN itself is never kept)."""

    class Kind(models.TextChoices):
        SET = "set", "Set by the user"
        CHANGED = "changed", "Changed by the user"
        RESET = "reset", "Reset by support"

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
        help_text="Empty when the PIN came in an email (the sender check).",
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
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        CHAT = "chat", "Chat"
        WEB = "web", "Web page"

    class Topic(models.TextChoices):
        SUPPORT = "support", "Support"
        SALES = "sales", "Sales"
        BILLING = "billing", "Billing"

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
        help_text="Sales and billing contacts are also shortcuts on the customers' ticket list.",
    )
    label = models.CharField(max_length=100, help_text="For example: Incidents, or USA.")
    value = models.CharField(max_length=200, help_text="The address, number or link.")
    minimum_tier = models.CharField(
        max_length=20, choices=Organization.Tier.choices, default=Organization.Tier.STANDARD
    )
    service_plan = models.CharField(
        max_length=20,
        choices=Organization.ServicePlan.choices,
        blank=True,
        help_text="Empty: every plan. Otherwise only organisations on this plan see it.",
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


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApiTokenQuerySet:
        """A user's own tokens; nobody manages another person's tokens here."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the key is shown once.

    Keys are 256 random bits, so a fast unsalted hash is enough to make a
    stolen table useless, and it lets a request find its token by index.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, help_text="The key's first characters, to tell it apart."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
