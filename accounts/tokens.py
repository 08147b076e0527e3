"""Personal API tokens: made, looked up and revoked only here.

A key is ``hd_`` and 43 URL-safe characters (256 random bits). The database
keeps its SHA-256 and its first characters; the key itself is returned once,
by ``token_create``, and never stored or logged.

A token has a scope: ``read`` (safe methods only) or ``write``. The scope is
enforced once, by ``TokenScope``, a default permission of every API view
(``REST_FRAMEWORK`` in the settings): ``TokenAuthentication`` hands the token
over as ``request.auth`` and the permission refuses a read-only token any
unsafe method. A browser session has no token and is not concerned.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from accounts.backends import EmailBackend, client_address
from accounts.models import ApiToken, User

KEY_PREFIX = "hd_"
NAME_MAX_LENGTH = 100
MAX_TOKENS_PER_USER = 20
# last_used_at and last_used_ip are written at most this often per token, not on every request.
USE_RECORD_INTERVAL = timedelta(minutes=1)
# The lifetimes a token may be given, in days; None is "never expires".
EXPIRY_DAYS = (7, 30, 90, 365)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_create(
    *,
    user: User,
    name: str,
    scope: str = ApiToken.Scope.WRITE,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its key (show the key once).

    Raises ``ValidationError`` keyed by the field at fault (``name``, ``scope``,
    ``expires_in_days``). ``expires_in_days`` is one of ``EXPIRY_DAYS`` or None.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name is required: say what the token is for.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("Name can be at most %(count)d characters.") % {"count": NAME_MAX_LENGTH}}
        )
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose read only, or read and write.")})
    if expires_in_days is not None and expires_in_days not in EXPIRY_DAYS:
        raise ValidationError(
            {"expires_in_days": _("A token expires after 7, 30, 90 or 365 days, or never.")}
        )
    if not user.is_active:
        raise ValidationError(_("A deactivated user cannot have API tokens."))
    with transaction.atomic():
        # The user's row is the lock: twenty creations at once are counted one
        # after another, so none passes the limit on a stale count.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
            raise ValidationError(
                {
                    "name": _("You have %(count)d tokens already; revoke one first.")
                    % {"count": MAX_TOKENS_PER_USER}
                }
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[: len(KEY_PREFIX) + 6],
            key_hash=key_hash(key),
            scope=scope,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
    return token, key


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens, or, for a support admin, anybody's.

    False when there is no such token the user may revoke (nothing changes).
    """
    mine = ApiToken.objects.visible_to(user).filter(pk=token_id)
    managed = ApiToken.objects.manageable_by(user).filter(pk=token_id)
    deleted, _counts = (mine | managed).delete()
    return bool(deleted)


class TokenRefused(Exception):
    """A key that does not authenticate; the message says why, for the caller."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def token_authenticate(key: str, *, address: str | None = None) -> ApiToken:
    """The live token a key belongs to, its ``user`` loaded; notes when and from
    where it was used (at most once per ``USE_RECORD_INTERVAL``).

    Raises ``TokenRefused`` for an unknown or revoked key, an expired token, or
    a user (or organisation) that is deactivated.
    """
    found = None
    if key.startswith(KEY_PREFIX):
        found = (
            ApiToken.objects.select_related("user__organization")
            .filter(key_hash=key_hash(key))
            .first()
        )
    if found is None or not EmailBackend().account_open(found.user):
        raise TokenRefused(_("Invalid or revoked token."), "authentication_failed")
    if found.is_expired:
        assert found.expires_at is not None
        raise TokenRefused(
            _("This token expired on %(date)s. Create a new one on your profile page.")
            % {"date": formats.date_format(timezone.localtime(found.expires_at), "DATE_FORMAT")},
            "token_expired",
        )
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > USE_RECORD_INTERVAL:
        found.last_used_at, found.last_used_ip = now, address
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now, last_used_ip=address)
    return found


def token_user(key: str) -> User | None:
    """The active user a live key belongs to, or None."""
    try:
        return token_authenticate(key).user
    except TokenRefused:
        return None


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` for scripts and integrations.

    Authenticates as ``(token.user, token)``: ``request.auth`` is the token,
    which ``TokenScope`` reads.
    """

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as 'Authorization: Token <key>', with one key.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("The token has characters no key has.")
            ) from None
        try:
            token = token_authenticate(key, address=_valid_address(client_address(request)))
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused), code=refused.code) from None
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return self.keyword


def _valid_address(address: str | None) -> str | None:
    """An address the column can hold (a proxy could forward anything)."""
    if not address:
        return None
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


class TokenScope(permissions.BasePermission):
    """A read-only token may use safe methods only; sessions and write tokens pass.

    A default permission of every API view (``REST_FRAMEWORK`` in the settings),
    so no endpoint, present or future, has to remember it.
    """

    message = gettext_lazy(
        "This token is read-only: it may read (GET, HEAD, OPTIONS) but not change "
        "anything. Create a token with the read and write scope on your profile page."
    )
    code = "token_read_only"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken) or request.method in permissions.SAFE_METHODS:
            return True
        return token.scope == ApiToken.Scope.WRITE


SCOPE_DESCRIPTION = (
    "`Token <key>`: create a key on your profile page. Each key has a scope: "
    "**read** (GET, HEAD and OPTIONS only; anything else answers 403 "
    '`{"code": "token_read_only"}`) or **write** (every operation). Each operation '
    "names the scope it needs in `x-token-scope`. A key may expire (7, 30, 90 or 365 "
    'days, or never); an expired key answers 401 `{"code": "token_expired"}`.'
)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ``Authorization: Token <key>`` and its scopes."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": SCOPE_DESCRIPTION,
        }


def schema_token_scopes(result, generator, request, public):
    """drf-spectacular postprocessing hook: each operation's ``x-token-scope``.

    OpenAPI 3.0 allows scopes in security requirements for OAuth only, so an
    API key's scope is named in an extension instead.
    """
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if isinstance(operation, dict):
                safe = method.upper() in permissions.SAFE_METHODS
                operation["x-token-scope"] = "read" if safe else "write"
    return result
