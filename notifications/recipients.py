"""Who hears of a ticket event (DESIGN.md, "Notifications").

Customers hear of every visible act of support: a public reply, a ticket
taken into progress, waiting for them, solved (with when it closes) or
closed (by support or the automatic close), a changed priority, type,
assignee or internal reference, and a ticket support opened for them or
their email turned into: the requester, every user of the organisation who
took part, and the organisation's admins. Support hears of new tickets,
customer replies on tickets assigned to them, reopenings, and service-level
targets about to fall due (the assignee, or every agent) or missed (the
support admins and the assignee). Never the
actor; never anything internal; only active people.

Followers (issue 18) hear as their side does: a customer who follows gets
what the requester gets (so never an internal note), and is read among the
ticket's organisation's users only (someone who moved to another
organisation since is left out); support staff who follow get what the
assignee gets (customer replies, reopenings). Each person is told once.

What one act changes makes one notification per person, not one per change
(``notifications.acts``): a reply that also solves, or taking a ticket that
moves it into progress, is one message. A customer's reply that reopens a
closed ticket is told once, by the reopening.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, Q

from accounts.models import User
from notifications.acts import VISIBLE, act_of
from notifications.models import Kind
from tickets.models import Channel, Message, Status, TicketEvent, TicketFollower


class Recipient(NamedTuple):
    user: User
    kind: Kind
    # Every kind the notification stands for (an act that replied and solved is
    # both): its email goes unless the user turned all of them off.
    kinds: tuple[Kind, ...] = ()
    # Told only because they follow the ticket: the email is sent only if they
    # still follow it then (``notifications.services.undeliverable_reason``).
    as_follower: bool = False

    def wants_email(self, opted_out: set[tuple[int, str]]) -> bool:
        return any((self.user.pk, kind) not in opted_out for kind in self.kinds or (self.kind,))


Recipients = list[Recipient]


def recipients_for(event: TicketEvent) -> Recipients:
    if event.kind == TicketEvent.Kind.SLA_WARNING:
        # Whoever holds the ticket; for an unassigned one, every agent.
        return _assignee(event, Kind.SLA_WARNING) or _agents(event, Kind.SLA_WARNING)
    if event.kind == TicketEvent.Kind.SLA_BREACHED:
        return _sla_breach(event)
    if event.is_internal:
        return []
    if event.kind == TicketEvent.Kind.REMINDED:
        return _customers(event, Kind.WAITING_REMINDER)
    actor = event.actor
    by_support = actor is None or actor.is_support_staff
    Event = TicketEvent.Kind

    if event.kind == Event.CREATED:
        if actor is not None and actor.is_support_staff:
            return _customers(event, Kind.OPENED_FOR_YOU)
        if event.ticket.channel == Channel.EMAIL and actor is not None:
            # Someone who wrote an email learns its ticket number and reply address.
            return [Recipient(actor, Kind.RECEIVED), *_agents(event, Kind.NEW_TICKET)]
        return _agents(event, Kind.NEW_TICKET)

    if event.kind == Event.REPLIED and not by_support:
        if _happened_with(event, kind=Event.STATUS, to_value=Status.OPEN, from_value=Status.CLOSED):
            return []  # the reopening's notification says it
        return _once(
            _assignee(event, Kind.CUSTOMER_REPLY) + _support_followers(event, Kind.CUSTOMER_REPLY)
        )

    heard: Recipients = []
    if event.kind == Event.STATUS and (event.from_value, event.to_value) == (
        Status.CLOSED,
        Status.OPEN,
    ):
        heard = _assignee(event, Kind.REOPENED) or _agents(event, Kind.REOPENED)
        heard += _support_followers(event, Kind.REOPENED)
    if by_support and event.kind in VISIBLE:
        heard += _customers_of_act(event)
    return _once(heard)


def _once(heard: Recipients) -> Recipients:
    """Each person once, in the order first named; told as a follower only if
    following is their one reason."""
    once: dict[int, Recipient] = {}
    for recipient in heard:
        first = once.get(recipient.user.pk)
        if first is None:
            once[recipient.user.pk] = recipient
        elif first.as_follower and not recipient.as_follower:
            once[recipient.user.pk] = first._replace(as_follower=False)
    return list(once.values())


def _sla_breach(event: TicketEvent) -> Recipients:
    """A missed target: the support admins, and the assignee if not one of them."""
    admins = User.objects.filter(role=User.Role.SUPPORT_ADMIN, is_active=True).order_by("pk")
    heard = [Recipient(admin, Kind.SLA_BREACHED) for admin in admins]
    assignee = event.ticket.assignee
    if assignee is not None and assignee.is_active and assignee.role != User.Role.SUPPORT_ADMIN:
        heard.append(Recipient(assignee, Kind.SLA_BREACHED))
    return heard


def _customers_of_act(event: TicketEvent) -> Recipients:
    """The customers' one notification of support's act, carried by its lead event."""
    act = act_of(event)
    lead = act.lead
    if lead is None or lead.pk != event.pk or act.kind is None:
        return []
    return _customers(event, act.kind, kinds=act.kinds)


def _happened_with(event: TicketEvent, **match) -> bool:
    """Another event of the same act (``TicketEvent.act``) matching ``match``."""
    return TicketEvent.objects.of_act(event).filter(**match).exclude(pk=event.pk).exists()


def _customers(event: TicketEvent, kind: Kind, kinds: tuple[Kind, ...] = ()) -> Recipients:
    ticket = event.ticket
    participants = Message.objects.filter(
        ticket_id=ticket.pk, is_internal=False, author__organization_id=ticket.organization_id
    ).values("author_id")
    # The requester, everyone who took part and the organisation's admins...
    concerned = Q(pk=ticket.requester_id) | Q(pk__in=participants) | Q(role=User.Role.ADMIN)
    people = (
        User.objects.filter(organization_id=ticket.organization_id, is_active=True)
        .exclude(is_integration=True)  # no mailbox; its scripts read the API
        # ... and its people who follow the ticket.
        .filter(concerned | Q(pk__in=_followers(event)))
        .annotate(concerned=ExpressionWrapper(concerned, output_field=BooleanField()))
        .exclude(pk=event.actor_id or 0)
        .order_by("pk")
    )
    return [Recipient(person, kind, kinds, as_follower=not person.concerned) for person in people]


def _agents(event: TicketEvent, kind: Kind) -> Recipients:
    people = (
        User.objects.filter(role=User.Role.AGENT, is_active=True)
        .exclude(pk=event.actor_id or 0)
        .order_by("pk")
    )
    return [Recipient(person, kind) for person in people]


def _followers(event: TicketEvent):
    return TicketFollower.objects.filter(ticket_id=event.ticket_id).eligible().values("user_id")


def _support_followers(event: TicketEvent, kind: Kind) -> Recipients:
    people = (
        User.objects.filter(role__in=User.STAFF_ROLES, is_active=True, pk__in=_followers(event))
        .exclude(pk=event.actor_id or 0)
        .order_by("pk")
    )
    return [Recipient(person, kind, as_follower=True) for person in people]


def _assignee(event: TicketEvent, kind: Kind) -> Recipients:
    assignee = event.ticket.assignee
    if assignee is None or not assignee.is_active or assignee.pk == event.actor_id:
        return []
    return [Recipient(assignee, kind)]
