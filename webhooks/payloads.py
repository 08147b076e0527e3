"""The JSON body of a delivery: schema version 1 (``webhooks.schema`` documents it).

A body is built once, when the delivery is written, for its audience: a
customer-owned hook's body holds only what that organisation's customers
see through the API (no internal notes, no internal events, support staff
known by name only); a support hook's may carry an internal note, marked
``"internal": true``.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.conf import settings

from tickets.models import Priority, Ticket, TicketEvent
from webhooks.models import TEST_EVENT_TYPE, EventType

SCHEMA_VERSION = "1"
Kind = TicketEvent.Kind


def event_types_of(event: TicketEvent) -> list[EventType]:
    """The webhook event types a ticket event stands for (a solve is also a status change)."""
    if event.kind == Kind.CREATED:
        return [EventType.TICKET_CREATED]
    if event.kind in (Kind.REPLIED, Kind.NOTE) and event.message_id:
        return [EventType.MESSAGE_ADDED]
    if event.kind == Kind.STATUS:
        types: list[EventType] = [EventType.STATUS_CHANGED]
        if event.to_value == "solved":
            types.append(EventType.SOLVED)
        if event.to_value == "closed":
            types.append(EventType.CLOSED)
        return types
    if event.kind == Kind.ASSIGNED:
        return [EventType.ASSIGNED]
    if event.kind == Kind.SLA_BREACHED:
        return [EventType.SLA_BREACHED]
    return []


def customer_may_see(event: TicketEvent) -> bool:
    if event.is_internal or event.kind == Kind.NOTE:
        return False
    return event.message is None or not event.message.is_internal


def _person(user, *, customer_audience: bool) -> dict | None:
    if user is None:
        return None
    hide_email = customer_audience and user.is_support_staff
    return {"name": user.full_name, "email": None if hide_email else user.email}


def _ticket(ticket: Ticket, *, customer_audience: bool) -> dict:
    return {
        "number": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": Priority(ticket.priority).name.lower(),
        "url": settings.SITE_URL + ticket.get_absolute_url(),
        "requester": _person(ticket.requester, customer_audience=customer_audience),
        "assignee": _person(ticket.assignee, customer_audience=customer_audience),
        "created_at": ticket.created_at.isoformat(),
    }


def body_for_event(
    event: TicketEvent, *, event_type: str, delivery_id: uuid.UUID, customer_audience: bool
) -> str:
    ticket = event.ticket
    message = event.message
    data = {
        "version": SCHEMA_VERSION,
        "id": str(delivery_id),
        "type": event_type,
        "occurred_at": event.created_at.isoformat(),
        "organization": {"alias": ticket.organization.alias, "name": ticket.organization.name},
        "actor": _person(event.actor, customer_audience=customer_audience),
        "ticket": _ticket(ticket, customer_audience=customer_audience),
        "change": (
            {"from": event.from_value, "to": event.to_value}
            if event.kind in (Kind.STATUS, Kind.ASSIGNED, Kind.SLA_BREACHED)
            else None
        ),
        "message": (
            {
                "id": message.pk,
                "author": _person(message.author, customer_audience=customer_audience),
                "body": message.body,
                "internal": message.is_internal,
                "created_at": message.created_at.isoformat(),
            }
            if message is not None
            else None
        ),
    }
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def body_for_test(*, delivery_id: uuid.UUID, now: datetime) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "id": str(delivery_id),
        "type": TEST_EVENT_TYPE,
        "occurred_at": now.isoformat(),
        "organization": None,
        "actor": None,
        "ticket": None,
        "change": None,
        "message": None,
    }
    return json.dumps(data, separators=(",", ":"))
