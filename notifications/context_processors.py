"""Counters the navigation shows on every page (two small queries)."""

from __future__ import annotations

from django.db.models import F, FilteredRelation, Q

from notifications.models import Notification
from tickets.counters import counts_by_status
from tickets.models import Status, Ticket


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
        "nav_waiting": lambda: counts_by_status(user.organization_id)[Status.WAITING],
    }


def unseen_replies(user) -> int:
    """An agent's unsolved tickets where the customer wrote since the agent last looked.

    One LEFT JOIN to the agent's read marks (not a subquery per ticket), so
    PostgreSQL answers from the ``ticket_assignee_unsolved`` index alone.
    """
    return (
        Ticket.objects.visible_to(user)
        .filter(
            assignee=user,
            status__in=[Status.OPEN, Status.IN_PROGRESS, Status.WAITING],
            customer_activity_at__isnull=False,
        )
        .annotate(my_read=FilteredRelation("reads", condition=Q(reads__user=user)))
        .filter(
            Q(my_read__seen_at__isnull=True) | Q(customer_activity_at__gt=F("my_read__seen_at"))
        )
        .count()
    )
