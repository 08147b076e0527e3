"""Tickets, their types, statuses and priorities, and the counts and read
marks kept beside them.

Every tenant-owned row carries ``organization_id`` so that scoping is one
indexed filter. Rows are read only through the ``visible_to`` querysets (the
tenant door); ``Ticket.status`` is written only by ``tickets.workflow``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.markdown import rendered_bulk_fields, rendered_on_save, rendered_update

SUBJECT_MAX_LENGTH = 200
REFERENCE_MAX_LENGTH = 100


class Category(models.Model):
    """The "ticket type" a customer picks when opening a ticket."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField("active", default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_for_customer", _("Waiting for customer")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


def status_label(value: str) -> str:
    """What people read for a stored status value (an event's from/to); the
    value itself if it is no longer a status."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def priority_label(value: str) -> str:
    """What people read for a stored priority value; the value itself if unknown."""
    try:
        return str(Priority(int(value)).label)
    except ValueError:
        return value


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    API = "api", _("API")
    AGENT = "agent", _("Opened by support")


# Seed 002: the Tickets tab holds the tickets still being worked; the Archive
# "all tickets already solved and closed". A solved ticket in the Archive still
# takes a reply, which brings it back (tickets/workflow.py).
WORKED_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.WAITING)
ARCHIVED_STATUSES = (Status.SOLVED, Status.CLOSED)


class TicketQuerySet(models.QuerySet):
    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fields = rendered_bulk_fields(objs, fields, text="description", html="description_html")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        # A new description takes its rendered copy with it (tickets.markdown).
        return super().update(
            **rendered_update(kwargs, text="description", html="description_html")
        )

    def visible_to(self, user) -> TicketQuerySet:
        """The tenant door: every ticket ``user`` may see, and no other.

        Support staff see every organisation; a customer sees their own
        organisation's tickets; anyone else sees nothing.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        if user.organization_id is None:
            return self.none()
        return self.filter(organization_id=user.organization_id)

    def active(self) -> TicketQuerySet:
        """The Tickets tab: what support is still working on."""
        return self.filter(status__in=WORKED_STATUSES)

    def archived(self) -> TicketQuerySet:
        """The Archive tab: solved and closed tickets (seed 002)."""
        return self.filter(status__in=ARCHIVED_STATUSES)


class Ticket(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="tickets"
    )
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    description = models.TextField()
    # The description as sanitised HTML, rendered when written (tickets.markdown).
    description_html = models.TextField(blank=True, default="", db_default="", editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tickets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OPEN)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    internal_reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        blank=True,
        help_text=_("The customer's own reference for this request."),
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    product = models.CharField(max_length=100, blank=True)
    resource = models.CharField(max_length=200, blank=True)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    # Issue 18: the ticket this one was merged into (``tickets.services.merging``);
    # a merged ticket is closed and stays so. Same organisation, never a chain
    # built backwards: the merge refuses a target that is itself merged.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_tickets",
        editable=False,
        db_index=False,  # the partial index below: few tickets are ever merged
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The last message or opening by the customer's side, and the last public
    # message by support: what "unseen" and "unread" compare with a user's last view.
    customer_activity_at = models.DateTimeField(null=True, blank=True)
    support_activity_at = models.DateTimeField(null=True, blank=True)
    # Subject, description, reference, requester and public messages, kept by
    # the services; PostgreSQL indexes it for full-text search. Never internal notes.
    search_document = models.TextField(blank=True, editable=False)
    # Internal notes only, searched for support staff and never for customers.
    notes_document = models.TextField(blank=True, editable=False)
    # Service levels (``tickets.sla``): when each running target falls due, and
    # the nearest of them, which the queue sorts and filters by. Empty when
    # nothing is owed or the clock is paused. Written only by ``tickets.sla``.
    first_response_due = models.DateTimeField(null=True, blank=True, editable=False)
    next_response_due = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due = models.DateTimeField(null=True, blank=True, editable=False)
    sla_due = models.DateTimeField(null=True, blank=True, editable=False)
    # Waiting for the customer: since when (``tickets.workflow``), and when the
    # policy's reminder and automatic solve fall due (``tickets.sla``).
    waiting_since = models.DateTimeField(null=True, blank=True, editable=False)
    waiting_remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    waiting_solve_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Support's tags (``tickets.models.tags``), written only by ``tickets.services.tags``.
    tags = models.ManyToManyField(
        "tickets.Tag", through="tickets.TicketTag", related_name="tickets", blank=True
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            # One partial index per list view and sort, so that a page never
            # sorts an organisation's whole history (DESIGN.md, "Speed").
            # (Their conditions spell the statuses of WORKED_STATUSES and
            # ARCHIVED_STATUSES out, as the queries of active() and archived() do.)
            models.Index(
                fields=["organization", "-updated_at", "-id"],
                condition=Q(status__in=["open", "in_progress", "waiting_for_customer"]),
                name="ticket_org_worked_updated",
            ),
            models.Index(
                fields=["organization", "-created_at", "-id"],
                condition=Q(status__in=["open", "in_progress", "waiting_for_customer"]),
                name="ticket_org_worked_created",
            ),
            models.Index(
                fields=["organization", "-updated_at", "-id"],
                condition=Q(status__in=["solved", "closed"]),
                name="ticket_org_archive_updated",
            ),
            models.Index(
                fields=["organization", "-created_at", "-id"],
                condition=Q(status__in=["solved", "closed"]),
                name="ticket_org_archive_created",
            ),
            models.Index(
                fields=["solved_at"], condition=Q(status="solved"), name="ticket_solved_due"
            ),
            # The agent queue: every organisation at once, by view.
            models.Index(
                fields=["-updated_at", "-id"],
                condition=~Q(status="closed"),
                name="ticket_active_updated",
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                condition=Q(assignee__isnull=True)
                & Q(status__in=["open", "in_progress", "waiting_for_customer"]),
                name="ticket_unassigned_updated",
            ),
            models.Index(
                fields=["assignee", "status", "-updated_at"],
                condition=Q(assignee__isnull=False),
                name="ticket_assignee_status",
            ),
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_updated"),
            # The API's list over every status, newest update first (or oldest,
            # read backwards): every ticket for support, one organisation's
            # for a customer. Without them a page sorted a million rows.
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="ticket_org_updated"),
            # The API's other orderings: by creation (either way), most urgent first.
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["organization", "-created_at", "-id"], name="ticket_org_created"),
            models.Index(fields=["-priority", "-updated_at", "-id"], name="ticket_priority"),
            models.Index(
                fields=["organization", "-priority", "-updated_at", "-id"],
                name="ticket_org_priority",
            ),
            # Every agent page counts their unsolved tickets with unseen customer
            # replies: answered from this index alone, without visiting the table.
            models.Index(
                fields=["assignee"],
                include=["id", "customer_activity_at"],
                condition=Q(assignee__isnull=False)
                & Q(status__in=["open", "in_progress", "waiting_for_customer"]),
                name="ticket_assignee_unsolved",
            ),
            # The queue's Due sort and its "Breaching soon" view.
            models.Index(
                fields=["sla_due", "id"],
                condition=Q(sla_due__isnull=False)
                & Q(status__in=["open", "in_progress", "waiting_for_customer"]),
                name="ticket_sla_due",
            ),
            # A ticket page's "#A was merged into this ticket" (issue 18).
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="ticket_merged_into",
            ),
            # The waiting sweep: reminders and automatic solves that are due.
            models.Index(
                fields=["waiting_remind_at"],
                condition=Q(status="waiting_for_customer", waiting_remind_at__isnull=False),
                name="ticket_waiting_remind",
            ),
            models.Index(
                fields=["waiting_solve_at"],
                condition=Q(status="waiting_for_customer", waiting_solve_at__isnull=False),
                name="ticket_waiting_solve",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    def save(self, *args, update_fields=None, **kwargs) -> None:
        update_fields = rendered_on_save(
            self, update_fields, text="description", html="description_html"
        )
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def number(self) -> int:
        """The public ticket number customers quote (the primary key, like Zendesk's)."""
        return self.pk

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_archived(self) -> bool:
        """Solved or closed: listed in the Archive tab."""
        return self.status in ARCHIVED_STATUSES


class TicketRead(models.Model):
    """When a user last looked at a ticket: what makes a row stand out as unseen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reads")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="ticket_read_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw #{self.ticket_id} at {self.seen_at}"


class TicketCounter(models.Model):
    """How many tickets an organisation has in each status, with or without an
    assignee; kept by ``tickets.counters``.

    Lists and the navigation read these instead of counting the tickets table.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=24, choices=Status.choices)
    assigned = models.BooleanField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "status", "assigned"], name="ticket_counter_key"
            )
        ]

    def __str__(self) -> str:
        assigned = "assigned" if self.assigned else "unassigned"
        return f"{self.organization_id}/{self.status}/{assigned}: {self.count}"
