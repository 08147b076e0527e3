"""Personal API tokens: made, looked up and revoked only here.

A key is ``hd_`` and 43 URL-safe characters (256 random bits). The database
keeps its SHA-256 and its first characters; the key itself is returned once,
by ``token_create``, and never stored or logged.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.backends import EmailBackend
from accounts.models import ApiToken, User

KEY_PREFIX = "hd_"
NAME_MAX_LENGTH = 100
MAX_TOKENS_PER_USER = 20
# last_used_at is written at most this often per token, not on every request.
USE_RECORD_INTERVAL = timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its key (show the key once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name is required: say what the token is for.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("Name can be at most %(count)d characters.") % {"count": NAME_MAX_LENGTH}}
        )
    if not user.is_active:
        raise ValidationError(_("A deactivated user cannot have API tokens."))
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": _("You have %(count)d tokens already; revoke one first.")
                % {"count": MAX_TOKENS_PER_USER}
            }
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(KEY_PREFIX) + 6], key_hash=key_hash(key)
    )
    return token, key


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when there is no such token of theirs."""
    deleted, _kinds = ApiToken.objects.visible_to(user).filter(pk=token_id).delete()
    return bool(deleted)


def token_user(key: str) -> User | None:
    """The active user a key belongs to, or None (also for a deactivated organisation)."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user__organization").filter(key_hash=key_hash(key))
    found = token.first()
    if found is None or not EmailBackend().user_can_authenticate(found.user):
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > USE_RECORD_INTERVAL:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` for scripts and integrations."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Token <key>', with one key."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token has characters no key has.") from None
        user = token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return (user, None)

    def authenticate_header(self, request) -> str:
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ``Authorization: Token <key>``."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: create a key on your profile page.",
        }
