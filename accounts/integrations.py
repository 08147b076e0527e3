"""Organisation-level API tokens: a customer admin's integrations (a CRM, a
status page) act as the organisation's integration user, not as a person.

The integration user is made on the first token, one per organisation (the
organisation's row is the lock). It is a customer member of the organisation
in all that the API allows, appears in tickets' history under its name
("Acme (integration)"), cannot sign in and gets no email; it is left out of
the organisation's people list. Its tokens are listed, made and revoked by
the organisation's admins, and by support admins on the all-tokens page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import ApiToken, Organization, User
from accounts.tokens import token_create

INTEGRATION_DOMAIN = "integrations.invalid"  # RFC 2606: never a mailbox


def _require_admin(admin: User) -> Organization:
    if admin.role != User.Role.ADMIN or admin.organization is None or not admin.is_active:
        raise PermissionDenied("Only an organisation's admins manage its integration tokens.")
    return admin.organization


def integration_user_for(organization: Organization) -> User:
    """The organisation's integration user, made if it has none yet."""
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        user = User.objects.filter(organization=organization, is_integration=True).first()
        if user is None:
            user = User.objects.create_user(
                f"integration-{organization.pk}@{INTEGRATION_DOMAIN}",
                None,
                full_name=f"{organization.name} (integration)",
                role=User.Role.MEMBER,
                organization=organization,
                is_integration=True,
            )
    return user


def integration_tokens(admin: User):
    """The tokens of the admin's organisation's integrations (none for anybody else)."""
    if admin.role != User.Role.ADMIN or admin.organization_id is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(
        user__organization_id=admin.organization_id, user__is_integration=True
    )


def integration_token_create(*, admin: User, **fields) -> tuple[ApiToken, str]:
    """A new token for the admin's organisation's integrations; the key is shown once.

    ``fields`` as ``token_create`` takes them (name, scope, expires_in_days);
    its ``ValidationError`` names the field at fault.
    """
    organization = _require_admin(admin)
    return token_create(user=integration_user_for(organization), **fields)


def integration_token_revoke(*, admin: User, token_id: int) -> bool:
    """Revoke one of the organisation's integration tokens; False if there is no such."""
    deleted, _counts = integration_tokens(admin).filter(pk=token_id).delete()
    return bool(deleted)
