"""Followers: people who hear of a ticket without being its requester (issue 18).

Customers add colleagues of their own organisation; support staff follow
tickets themselves (and may add other agents). A follower gets the ticket's
notifications as the requester does (customers) or as the assignee does
(support). ``organization_id`` is the ticket's, copied, so that scoping is one
indexed filter as on every tenant row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from tickets.models.tickets import Ticket

FOLLOWERS_PER_TICKET = 20


class TicketFollowerQuerySet(models.QuerySet):
    def eligible(self) -> TicketFollowerQuerySet:
        """The followers who count: each is shown, notified, and takes one of
        the ticket's ``FOLLOWERS_PER_TICKET`` places. An active person, support
        staff or a user of the ticket's organisation; someone deactivated, or
        a customer moved to another organisation since, is none of these (their
        row is ended when that happens, ``followers_end_for``; this is the
        guard for the moments in between)."""
        return self.filter(user__is_active=True, user__is_integration=False).filter(
            Q(user__role__in=User.STAFF_ROLES) | Q(user__organization_id=F("organization_id"))
        )

    def visible_to(self, user) -> TicketFollowerQuerySet:
        """The tenant door for followers: support sees every eligible follower;
        a customer sees the eligible followers of their organisation's tickets
        who are users of it (never the agents following, never someone who
        moved elsewhere)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.eligible()
        return self.eligible().filter(
            organization_id=user.organization_id,
            user__organization_id=F("organization_id"),
        )


class TicketFollower(models.Model):
    # The unique (ticket, user) index finds a ticket's followers; the user's own
    # index finds the tickets a person follows (erasure, deactivation).
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="followers", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TicketFollowerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticket_follower_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows #{self.ticket_id}"
