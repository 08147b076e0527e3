"""One act of support, as customers hear of it: everything one request changed.

A service that changes several things at once (a reply submitted as Solved,
taking a ticket, a PATCH of priority and type) records one ``TicketEvent``
per change, all sharing one act id (``TicketEvent.act``) in one transaction.
Customers get one notification per act, not one per event (seed 001: "email
notifications for any updates to the ticket"; DESIGN.md: "one message per
act"): the act's reply, or else its first event, carries the notification;
the other events of the act notify no customer.

Only what customers can see takes part: internal notes and internal events
never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from notifications.models import Kind
from tickets.models import Status, TicketEvent, priority_label, status_label

Event = TicketEvent.Kind

# Events a customer can see in the ticket's timeline, which support's acts make.
VISIBLE = (
    Event.REPLIED,
    Event.STATUS,
    Event.ASSIGNED,
    Event.PRIORITY,
    Event.CATEGORY,
    Event.REFERENCE,
)

# The status a support act leaves, as the kind customers hear of it. A move to
# Open is support reopening a closed ticket, which needs a message: the reply says it.
_STATUS_KINDS: dict[str, Kind] = {
    Status.IN_PROGRESS: Kind.IN_PROGRESS,
    Status.WAITING: Kind.WAITING,
    Status.SOLVED: Kind.SOLVED,
    Status.CLOSED: Kind.CLOSED,
}

_EVENT_KINDS: dict[str, Kind] = {
    Event.REPLIED: Kind.SUPPORT_REPLY,
    Event.ASSIGNED: Kind.ASSIGNEE,
    Event.PRIORITY: Kind.PRIORITY,
    Event.CATEGORY: Kind.CATEGORY,
    Event.REFERENCE: Kind.REFERENCE,
}

# Which kind names an act that did several things: what most asks the
# customer's attention first (the solved clock, a question) before the rest.
PRECEDENCE = (
    Kind.CLOSED,
    Kind.SOLVED,
    Kind.WAITING,
    Kind.SUPPORT_REPLY,
    Kind.IN_PROGRESS,
    Kind.ASSIGNEE,
    Kind.PRIORITY,
    Kind.CATEGORY,
    Kind.REFERENCE,
)
ACT_KINDS = frozenset(PRECEDENCE)


def event_kind(event: TicketEvent) -> Kind | None:
    """The kind of customer notification one visible event of support stands for."""
    if event.kind == Event.STATUS:
        return _STATUS_KINDS.get(event.to_value)
    return _EVENT_KINDS.get(event.kind)


@dataclass(frozen=True)
class Act:
    """The visible events of one act, in the order they were recorded."""

    events: tuple[TicketEvent, ...]

    @property
    def lead(self) -> TicketEvent | None:
        """The event that carries the act's notification: its reply (so that the
        notification links to the message), else its first event."""
        for event in self.events:
            if event.kind == Event.REPLIED:
                return event
        return self.events[0] if self.events else None

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """Every kind of notification the act stands for, most important first."""
        found = {kind for kind in map(event_kind, self.events) if kind is not None}
        return tuple(kind for kind in PRECEDENCE if kind in found)

    @property
    def kind(self) -> Kind | None:
        kinds = self.kinds
        return kinds[0] if kinds else None

    @property
    def solved_at(self) -> datetime | None:
        """When the act solved the ticket, if it did (the automatic close counts from it)."""
        for event in self.events:
            if event.kind == Event.STATUS and event.to_value == Status.SOLVED:
                return event.created_at
        return None

    def changes(self) -> list[tuple[str, str, str]]:
        """What the act changed, as (what, before, after) a customer reads; two
        moves of one act (a reply taking an Open ticket, submitted as Solved)
        read as one, from the first state to the last."""
        rows: list[tuple[str, str, str]] = []
        for event in self.events:
            if event.kind == Event.STATUS:
                before = status_label(event.from_value)
                if rows and rows[-1][0] == "Status":
                    before = rows.pop()[1]
                rows.append(("Status", before, status_label(event.to_value)))
            elif event.kind == Event.PRIORITY:
                rows.append(
                    ("Priority", priority_label(event.from_value), priority_label(event.to_value))
                )
            elif event.kind == Event.CATEGORY:
                rows.append(("Ticket type", event.from_value, event.to_value))
            elif event.kind == Event.ASSIGNED:
                rows.append(
                    (
                        "Assignee",
                        event.from_value or _("Not assigned"),
                        event.to_value or _("Not assigned"),
                    )
                )
            elif event.kind == Event.REFERENCE:
                rows.append(
                    (
                        "Internal reference",
                        event.from_value or _("(none)"),
                        event.to_value or _("(none)"),
                    )
                )
        return rows


def act_of(event: TicketEvent) -> Act:
    """The act ``event`` belongs to: the events sharing its act id (one query)."""
    return Act(
        tuple(
            TicketEvent.objects.of_act(event)
            .filter(is_internal=False, kind__in=VISIBLE)
            .order_by("pk")
        )
    )
