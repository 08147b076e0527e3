"""Organisations (the tenants) and the people who use the desk.

A customer belongs to exactly one organisation; provider staff (agents and
support admins) belong to none. The database enforces that pairing.

One module per sub-domain; everything is importable from ``accounts.models``.
"""

from accounts.models.contacts import TIER_ORDER, SupportContact, SupportContactQuerySet
from accounts.models.organizations import Organization
from accounts.models.pins import PinChange, PinCheck
from accounts.models.tokens import ApiToken, ApiTokenQuerySet
from accounts.models.users import User, UserManager, UserQuerySet

__all__ = [
    "TIER_ORDER",
    "ApiToken",
    "ApiTokenQuerySet",
    "Organization",
    "PinChange",
    "PinCheck",
    "SupportContact",
    "SupportContactQuerySet",
    "User",
    "UserManager",
    "UserQuerySet",
]
