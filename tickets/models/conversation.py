"""A ticket's conversation (messages and internal notes) and its history (events)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.markdown import rendered_bulk_fields, rendered_on_save, rendered_update
from tickets.models.tickets import Ticket


class MessageQuerySet(models.QuerySet):
    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fields = rendered_bulk_fields(objs, fields, text="body", html="body_html")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        # A new body takes its rendered copy with it (tickets.markdown).
        return super().update(**rendered_update(kwargs, text="body", html="body_html"))

    def visible_to(self, user) -> MessageQuerySet:
        """Messages of tickets ``user`` may see; customers never see internal notes."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        return self.filter(organization_id=user.organization_id, is_internal=False)


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    # The body as sanitised HTML, rendered when written (tickets.markdown);
    # empty means "render when shown".
    body_html = models.TextField(blank=True, default="", db_default="", editable=False)
    is_internal = models.BooleanField("internal note", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Issue 18: the ticket this message was written on, when a merge moved it
    # here (its time and author are kept); the conversation marks it.
    merged_from = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # the partial index below: most messages were never moved
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_time"),
            models.Index(
                fields=["merged_from"],
                condition=Q(merged_from__isnull=False),
                name="message_merged_from",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} on #{self.ticket_id}"

    def save(self, *args, update_fields=None, **kwargs) -> None:
        update_fields = rendered_on_save(self, update_fields, text="body", html="body_html")
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{reverse('tickets:detail', args=[self.ticket_id])}#message-{self.pk}"


class EventQuerySet(models.QuerySet):
    def visible_to(self, user) -> EventQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        return self.filter(organization_id=user.organization_id, is_internal=False)

    def of_act(self, event: TicketEvent) -> EventQuerySet:
        """The events of ``event``'s act, itself included: those sharing its act
        id. Rows older than act ids (``act`` empty) fall back to what stood for
        an act then: the same ticket, actor and instant."""
        if event.act is not None:
            return self.filter(ticket_id=event.ticket_id, act=event.act)
        return self.filter(
            ticket_id=event.ticket_id,
            act__isnull=True,
            actor_id=event.actor_id,
            created_at=event.created_at,
        )


class TicketEvent(models.Model):
    """One change of a ticket: the timeline, and the outbox notifications read."""

    class Kind(models.TextChoices):
        CREATED = "created", _("opened the ticket")
        STATUS = "status", _("changed the status")
        ASSIGNED = "assigned", _("changed the assignee")
        PRIORITY = "priority", _("changed the priority")
        CATEGORY = "category", _("changed the category")
        REFERENCE = "reference", _("changed the internal reference")
        REPLIED = "replied", _("replied")
        NOTE = "note", _("added an internal note")
        FOLLOW_UP = "follow_up", _("opened a follow-up ticket")
        VERIFIED = "verified", _("verified the caller by PIN")
        SENDER = "sender", _("checked the email's sender")
        SLA_WARNING = "sla_warning", _("warned that a target is due soon")
        SLA_BREACHED = "sla_breached", _("recorded a missed target")
        REMINDED = "reminded", _("reminded the customer")
        TAGS = "tags", _("changed the tags")
        SATISFACTION = "satisfaction", _("rated the support")
        MERGED = "merged", _("merged tickets")
        FOLLOWERS = "followers", _("changed the followers")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted (for example the automatic close)."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    # The person an assignment or a followers change is about, whose name the
    # values write down: erasure finds by it the tickets that name them when
    # nothing else links them any more (unassigned, removed as a follower).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # the partial index below: most events are about no one
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_internal = models.BooleanField(default=False)
    # Every event one service call writes shares this id (``tickets.events``);
    # empty on rows written before it existed. No index: it is only ever read
    # together with the ticket, whose index finds the rows.
    act = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The outbox mark: set when notifications have turned this event into
    # notification rows (or found nobody to tell). Empty means "not yet".
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_time"),
            models.Index(
                fields=["created_at"],
                condition=Q(notified_at__isnull=True),
                name="event_outbox_pending",
            ),
            models.Index(
                fields=["subject"], condition=Q(subject__isnull=False), name="event_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"
