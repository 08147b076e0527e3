"""Finding organisations and people by what humans type: an account alias, an email.

Support names a customer by account alias and email in the agent workspace,
in the API and in the quarantine of inbound mail; each of those asks here,
so "ACME " and "acme" find the same organisation and an email matches
whatever its case everywhere. Callers word
their own refusal: these return None.

Active only by default: a deactivated organisation or user is as good as
missing for acting on. ``include_inactive`` is for a caller that lets the
service refuse them with its own message (the API does).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Organization, User


def alias_normalized(alias: str | None) -> str:
    """An account alias as stored (capitals), from what someone typed."""
    return (alias or "").strip().upper()


def organization_by_alias(
    alias: str | None, *, include_inactive: bool = False
) -> Organization | None:
    """The organisation whose account alias is ``alias`` (any case, spaces around ignored)."""
    alias = alias_normalized(alias)
    if not alias:
        return None
    organizations = Organization.objects.filter(alias=alias)
    if not include_inactive:
        organizations = organizations.filter(is_active=True)
    return organizations.first()


def member_by_email(
    email: str | None, *, organization: Organization | None, include_inactive: bool = False
) -> User | None:
    """The user of ``organization`` whose email is ``email``; None without an organisation."""
    email = (email or "").strip().lower()
    if not email or organization is None:
        return None
    members = User.objects.filter(email=email, organization=organization)
    if not include_inactive:
        members = members.filter(is_active=True)
    return members.first()


def support_staff() -> QuerySet[User]:
    """The active agents and support admins, by name: who can be assigned a ticket."""
    return User.objects.filter(role__in=User.STAFF_ROLES, is_active=True).order_by("full_name")


def staff_by_email(email: str | None) -> User | None:
    """The active agent or support admin whose email is ``email``."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return support_staff().filter(email=email).first()
