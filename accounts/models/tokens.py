"""Personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApiTokenQuerySet:
        """A user's own tokens (the profile page's list)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def manageable_by(self, user) -> ApiTokenQuerySet:
        """Every token, for a support admin; none for anybody else (their own are
        ``visible_to``). Customer admins do not manage their people's tokens here."""
        if not getattr(user, "is_authenticated", False) or not user.is_staff:
            return self.none()
        return self.all()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the key is shown once.

    Keys are 256 random bits, so a fast unsalted hash is enough to make a
    stolen table useless, and it lets a request find its token by index.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, help_text=_("The key's first characters, to tell it apart.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Tokens made before scopes existed could write: they keep that (db_default
    # also makes adding the column a catalogue change, not a table rewrite).
    scope = models.CharField(
        max_length=5,
        choices=Scope.choices,
        default=Scope.WRITE,
        db_default=Scope.WRITE,
        help_text=_("Read only tokens may only use GET, HEAD and OPTIONS."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty: the token never expires.")
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_read_only(self) -> bool:
        return self.scope == self.Scope.READ
