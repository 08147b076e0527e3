"""Counters the navigation shows on every page (two small queries)."""

from __future__ import annotations

from notifications.models import Notification
from tickets.counters import organization_counts
from tickets.models import Status
from tickets.selectors import unseen_replies


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        return Notification.objects.visible_to(user).unread().count()

    if user.is_support_staff:
        return {"nav_unread": unread, "nav_unseen_replies": lambda: unseen_replies(user)}
    return {
        "nav_unread": unread,
        # Seed 002: how many of the organisation's tickets wait for the customer.
        "nav_waiting": lambda: organization_counts(request)[Status.WAITING],
    }
