"""Who hears of a ticket event (DESIGN.md, "Notifications").

Customers hear when support replies publicly, asks them for something, opens
a ticket for them, turns their email into a ticket, or closes one (support
or the automatic close): the requester, every user of the organisation who
took part, and the organisation's admins. Support hears of new tickets, customer replies on
tickets assigned to them, and reopenings. Never the actor; never anything
internal; only active people.

A reply that also changes the status makes one notification, not two: the
status event that happened together with a reply is folded into it.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from notifications.models import Kind
from tickets.models import Channel, Message, Status, TicketEvent

Recipients = list[tuple[User, Kind]]


def recipients_for(event: TicketEvent) -> Recipients:
    if event.is_internal:
        return []
    actor = event.actor
    by_support = actor is None or actor.is_support_staff
    Event = TicketEvent.Kind

    if event.kind == Event.CREATED:
        if actor is not None and actor.is_support_staff:
            return _customers(event, Kind.OPENED_FOR_YOU)
        if event.ticket.channel == Channel.EMAIL and actor is not None:
            # Someone who wrote an email learns its ticket number and reply address.
            return [(actor, Kind.RECEIVED), *_agents(event, Kind.NEW_TICKET)]
        return _agents(event, Kind.NEW_TICKET)

    if event.kind == Event.REPLIED:
        if by_support:
            return _customers(event, Kind.SUPPORT_REPLY)
        if _happened_with(event, kind=Event.STATUS, to_value=Status.OPEN, from_value=Status.CLOSED):
            return []  # the reopening's notification says it
        return _assignee(event, Kind.CUSTOMER_REPLY)

    if event.kind == Event.STATUS:
        if event.from_value == Status.CLOSED and event.to_value == Status.OPEN:
            return _assignee(event, Kind.REOPENED) or _agents(event, Kind.REOPENED)
        if not by_support or _happened_with(event, kind=Event.REPLIED):
            return []
        if event.to_value == Status.WAITING:
            return _customers(event, Kind.WAITING)
        if event.to_value == Status.CLOSED:
            return _customers(event, Kind.CLOSED)
    return []


def _happened_with(event: TicketEvent, **match) -> bool:
    """Another event of the same act: same ticket, same actor, same instant."""
    return (
        TicketEvent.objects.filter(
            ticket_id=event.ticket_id, actor_id=event.actor_id, created_at=event.created_at, **match
        )
        .exclude(pk=event.pk)
        .exists()
    )


def _customers(event: TicketEvent, kind: Kind) -> Recipients:
    ticket = event.ticket
    participants = Message.objects.filter(
        ticket_id=ticket.pk, is_internal=False, author__organization_id=ticket.organization_id
    ).values("author_id")
    people = (
        User.objects.filter(organization_id=ticket.organization_id, is_active=True)
        .filter(
            # The requester, everyone who took part, and the organisation's admins.
            Q(pk=ticket.requester_id) | Q(pk__in=participants) | Q(role=User.Role.ADMIN)
        )
        .exclude(pk=event.actor_id or 0)
        .order_by("pk")
    )
    return [(person, kind) for person in people]


def _agents(event: TicketEvent, kind: Kind) -> Recipients:
    people = (
        User.objects.filter(role=User.Role.AGENT, is_active=True)
        .exclude(pk=event.actor_id or 0)
        .order_by("pk")
    )
    return [(person, kind) for person in people]


def _assignee(event: TicketEvent, kind: Kind) -> Recipients:
    assignee = event.ticket.assignee
    if assignee is None or not assignee.is_active or assignee.pk == event.actor_id:
        return []
    return [(assignee, kind)]
