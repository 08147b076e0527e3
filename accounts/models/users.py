"""The people who use the desk: customers of one organisation, or provider staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import Organization
from accounts.zones import validate_time_zone

# An erased user's address is at this domain (privacy.erasure; RFC 2606: it
# can never receive mail).
ERASED_EMAIL_DOMAIN = "erased.invalid"


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
        MEMBER = "member", _("Customer member")
        ADMIN = "admin", _("Customer admin")
        AGENT = "agent", _("Support agent")
        SUPPORT_ADMIN = "support_admin", _("Support admin")

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
        help_text=_("Empty for the provider's own staff."),
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField("active", default=True)
    # Issue 21: the organisation's integration user, whom its customer admins'
    # integration tokens act as. Nobody signs in as it and it gets no email.
    is_integration = models.BooleanField(
        "integration user",
        default=False,
        db_default=False,  # rows written by SQL (bench/seed.py) too
        editable=False,
        help_text=_("The organisation's integrations act as this user through its tokens."),
    )
    # Issue 18: an agent taking new tickets, for the deployment's automatic
    # assignment (HELPDESK_AUTO_ASSIGN); nobody is until they say so.
    is_available = models.BooleanField(
        "available for new tickets",
        default=False,
        db_default=False,  # rows written by SQL (bench/seed.py) too
        help_text=_("Support staff only: new tickets may be assigned to them automatically."),
    )
    # When the automatic assignment last gave them a ticket: whose turn it is.
    auto_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)
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
        help_text=_("Whether ticket pages show the information panel unfolded."),
    )
    # Issue 20: the agent queue's optional columns this user chose, in any
    # order (the page keeps its own); empty means the default set.
    queue_columns = models.JSONField(
        "queue columns",
        default=list,
        blank=True,
        help_text=_("The optional columns an agent shows in the queue; empty for the default set."),
    )
    # Issue 20: every time shown to this user, and written into their emails,
    # is in this IANA zone; empty means the deployment's TIME_ZONE.
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("An IANA time zone such as Europe/Paris; empty for the site's default."),
    )
    # Issue 20: pages and emails in this language; empty follows the browser
    # (Accept-Language) on pages and the site's LANGUAGE_CODE in emails.
    language = models.CharField(
        "language",
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the browser's language."),
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
        indexes = [
            # The agents every queue and ticket page lists in its menus, by name,
            # without reading every customer (``accounts.selectors.support_staff``).
            models.Index(
                fields=["full_name", "email"],
                condition=Q(role__in=["agent", "support_admin"], is_active=True),
                name="user_active_staff",
            ),
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
    def is_erased(self) -> bool:
        """Whether this person's personal data was erased (privacy.erasure)."""
        return self.email.endswith("@" + ERASED_EMAIL_DOMAIN)

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
