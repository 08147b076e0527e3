"""Saved views: a queue view with its filters, search and sort, kept by name (issue 18).

Personal to one agent, or shared with every agent (``owner`` empty, managed
by support admins), like macros. ``visible_to`` is the door: support staff
see the shared ones and their own; customers none; another agent's personal
view is as missing as one that never existed. ``query`` holds only the
queue's known parameters, checked and put in one order by
``tickets.services.saved_views``, which alone writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

SAVED_VIEW_NAME_MAX_LENGTH = 60
SAVED_VIEW_QUERY_MAX_LENGTH = 1000


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedViewQuerySet:
        """Shared views and ``user``'s own, for support staff; nothing for anyone else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.is_support_staff:
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class SavedView(models.Model):
    # Empty: shared with every agent (managed by support admins).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    name = models.CharField(max_length=SAVED_VIEW_NAME_MAX_LENGTH)
    # A key of ``tickets.queues.QUEUE_VIEWS`` ("active", "mine", ...).
    base = models.CharField(max_length=20)
    # The queue's parameters as a query string ("priority=4&tag=vip&sort=-priority").
    query = models.CharField(max_length=SAVED_VIEW_QUERY_MAX_LENGTH, blank=True)
    # Lower first in the sidebar; then by name.
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(owner__isnull=True), name="saved_view_shared_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None
