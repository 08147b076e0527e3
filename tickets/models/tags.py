"""Tags: support's own words for grouping tickets (issue 18).

One vocabulary for the whole desk, as agents work every organisation's
tickets in one queue. Tags are support's business only: no customer page,
API answer, search or email shows them, and ``TicketTag.objects.visible_to``
gives customers nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tickets.models.tickets import Ticket

TAG_MAX_LENGTH = 50
TAGS_PER_TICKET = 20


class Tag(models.Model):
    # Stored as ``tickets.services.tags.tag_normalized`` writes it: lower case,
    # words joined by hyphens; unique, so twenty agents adding "vip" make one.
    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketTagQuerySet(models.QuerySet):
    def visible_to(self, user) -> TicketTagQuerySet:
        """The tenant door for tags: support staff only, customers never."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all() if user.is_support_staff else self.none()


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="ticket_links")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TicketTagQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_once"),
        ]
        indexes = [
            # The queue's and the API's "tagged x": from the tag to its tickets.
            models.Index(fields=["tag", "ticket"], name="ticket_tag_by_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} on #{self.ticket_id}"
