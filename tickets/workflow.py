"""The ticket lifecycle: the only module that writes ``Ticket.status``.

The table below is DESIGN.md's lifecycle table, as data. Views, the API,
email ingestion and Celery tasks all reach it through ``tickets.services``;
none of them decides a status on its own. ``available_actions`` reads the same
table to tell pages and the API what a user may do now, so no template or
serializer keeps its own copy of the rules.

Every function that moves a ticket expects the ticket to be locked by
``tickets.locks.lock_ticket`` inside the caller's transaction, saves with
``update_fields`` and writes one ``TicketEvent`` per change in that same
transaction. A move the table does not allow raises ``TransitionError``,
which pages show as a message and the API as 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tickets.counters import counter_shift
from tickets.events import record_event
from tickets.models import Status, Ticket, TicketEvent


class TransitionError(Exception):
    """A lifecycle move the table refuses; ``str()`` is fit to show a user."""

    code = "invalid_transition"


class Actor(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class Action(StrEnum):
    TAKE = "take"  # an agent takes or is assigned the ticket
    AGENT_REPLY = "agent_reply"  # a public reply by support
    NOTE = "note"  # an internal note by support
    EDIT = "edit"  # support changes priority, category or assignee
    RESUME = "resume"  # support works on it again ("submit as In progress")
    WAIT = "wait"  # support asks the customer for something
    CUSTOMER_REPLY = "customer_reply"
    SOLVE = "solve"
    AUTO_CLOSE = "auto_close"
    AUTO_SOLVE = "auto_solve"  # the policy's solve after waiting too long for the customer
    CLOSE = "close"
    REOPEN = "reopen"  # a reply to a closed ticket under the "reopen" policy
    FOLLOW_UP = "follow_up"  # a reply to a closed ticket under the "follow_up" policy


# "Back to work" after a customer's answer: In progress when someone has the
# ticket, otherwise Open so that it shows in the Unassigned queue.
BACK_TO_WORK = "back_to_work"

ACTIVE = (Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.SOLVED)


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    moves: dict[str, str]  # from status -> to status (the same status: allowed, no change)
    # For the refusal message: "You can't <verb> a ticket that is <status>."
    # Lazy, so that it is written in the language of whoever is refused.
    verb: str | Promise
    # The act is the move and nothing else (a status button): where it would
    # leave the status as it is, it is allowed (a reply's "submit as") but not
    # offered (``available_actions``).
    status_only: bool = False


def _stay(*statuses: str) -> dict[str, str]:
    return {status: status for status in statuses}


_STAFF = frozenset({Actor.AGENT})
_PEOPLE = frozenset({Actor.CUSTOMER, Actor.AGENT})

TABLE: dict[Action, Rule] = {
    Action.TAKE: Rule(
        # The system too: fair assignment of new tickets (issue 18).
        frozenset({Actor.AGENT, Actor.SYSTEM}),
        {**_stay(*ACTIVE), Status.OPEN: Status.IN_PROGRESS},
        pgettext_lazy("refused action", "assign"),
    ),
    Action.AGENT_REPLY: Rule(
        _STAFF,
        {**_stay(*ACTIVE), Status.OPEN: Status.IN_PROGRESS},
        pgettext_lazy("refused action", "reply to"),
    ),
    Action.NOTE: Rule(_STAFF, _stay(*ACTIVE), pgettext_lazy("refused action", "add a note to")),
    Action.EDIT: Rule(_STAFF, _stay(*ACTIVE), pgettext_lazy("refused action", "change")),
    Action.RESUME: Rule(
        _STAFF,
        {status: Status.IN_PROGRESS for status in ACTIVE},
        pgettext_lazy("refused action", "resume"),
        status_only=True,
    ),
    Action.WAIT: Rule(
        _STAFF,
        {status: Status.WAITING for status in ACTIVE},
        pgettext_lazy("refused action", "wait on"),
        status_only=True,
    ),
    Action.CUSTOMER_REPLY: Rule(
        frozenset({Actor.CUSTOMER}),
        {
            Status.OPEN: Status.OPEN,
            Status.IN_PROGRESS: Status.IN_PROGRESS,
            Status.WAITING: BACK_TO_WORK,
            Status.SOLVED: Status.OPEN,
        },
        pgettext_lazy("refused action", "reply to"),
    ),
    Action.SOLVE: Rule(
        _STAFF,
        {status: Status.SOLVED for status in ACTIVE},
        pgettext_lazy("refused action", "solve"),
        status_only=True,
    ),
    Action.AUTO_CLOSE: Rule(
        frozenset({Actor.SYSTEM}),
        {Status.SOLVED: Status.CLOSED},
        pgettext_lazy("refused action", "close"),
        status_only=True,
    ),
    Action.AUTO_SOLVE: Rule(
        frozenset({Actor.SYSTEM}),
        {Status.WAITING: Status.SOLVED},
        pgettext_lazy("refused action", "solve"),
        status_only=True,
    ),
    Action.CLOSE: Rule(
        _PEOPLE,
        {status: Status.CLOSED for status in ACTIVE},
        pgettext_lazy("refused action", "close"),
        status_only=True,
    ),
    Action.REOPEN: Rule(
        _PEOPLE, {Status.CLOSED: Status.OPEN}, pgettext_lazy("refused action", "reopen")
    ),
    Action.FOLLOW_UP: Rule(
        _PEOPLE, _stay(Status.CLOSED), pgettext_lazy("refused action", "follow up on")
    ),
}


def actor_kind(actor, ticket: Ticket) -> Actor:
    """Who is acting, as the table knows them; refuses people of another organisation."""
    if actor is None:
        return Actor.SYSTEM
    if actor.is_support_staff:
        return Actor.AGENT
    if actor.organization_id != ticket.organization_id or not actor.is_active:
        # Callers fetch tickets through the tenant door, so this is a bug
        # elsewhere; refuse rather than act across tenants.
        raise TransitionError(_("You can't act on this ticket."))
    return Actor.CUSTOMER


def initial_status(actor) -> Status:
    """A customer's ticket starts Open; one support opens for a customer waits on them."""
    return Status.WAITING if actor.is_support_staff else Status.OPEN


def closed_reply_action(ticket: Ticket) -> Action:
    """What a reply to a closed ticket does, by the organisation's policy."""
    if ticket.organization.reply_policy == ticket.organization.ReplyPolicy.FOLLOW_UP:
        return Action.FOLLOW_UP
    return Action.REOPEN


def check(ticket: Ticket, action: Action, actor) -> str:
    """The status ``action`` by ``actor`` would lead to; raises ``TransitionError`` if refused."""
    rule = TABLE[action]
    kind = actor_kind(actor, ticket)
    if ticket.merged_into_id is not None:
        # Issue 18: a merged ticket is closed for good; its conversation goes on
        # in the ticket it was merged into (where email replies land too).
        raise TransitionError(
            _("This ticket was merged into #%(number)s; continue the conversation there.")
            % {"number": ticket.merged_into_id}
        )
    if kind not in rule.actors:
        # Whole sentences per "who": languages agree the words around it differently.
        if rule.actors == frozenset({Actor.SYSTEM}):
            if action == Action.AUTO_CLOSE:
                refusal = _("Only the automatic close can %(verb)s a ticket that way.")
            else:
                refusal = _("Only the automatic solve can %(verb)s a ticket that way.")
        elif Actor.CUSTOMER not in rule.actors:  # support's (and perhaps the system's)
            refusal = _("Only support can %(verb)s a ticket that way.")
        else:
            refusal = _("Only the customer can %(verb)s a ticket that way.")
        raise TransitionError(refusal % {"verb": rule.verb})
    target = rule.moves.get(ticket.status)
    if target is None:
        label = Status(ticket.status).label
        if ticket.status == Status.CLOSED and action in (
            Action.CUSTOMER_REPLY,
            Action.AGENT_REPLY,
            Action.NOTE,
        ):
            raise TransitionError(
                _("This ticket is closed. Reopen it with a message to continue the conversation.")
            )
        raise TransitionError(
            _("You can't %(verb)s a ticket that is %(status)s.")
            % {"verb": rule.verb, "status": label.lower()}
        )
    if target == BACK_TO_WORK:
        target = Status.IN_PROGRESS if ticket.assignee_id else Status.OPEN
    return target


def available_actions(ticket: Ticket, actor, *, now: datetime | None = None) -> list[Action]:
    """What ``actor`` (``None``: the system) may do to ``ticket`` now, in ``TABLE``'s order.

    Read from ``TABLE`` with ``check``'s own tests: the actor's kind is among
    the rule's actors and the ticket's status among its moves. Left out, as
    acts that would do nothing or that ``apply`` refuses: a status-only
    action (``Rule.status_only``) that keeps the status, taking a ticket one
    already holds, the closed-ticket reply the organisation's policy does not
    use (``closed_reply_action``) and the automatic close before it is due.
    Someone who may not act on the ticket at all, or a merged ticket, gets an
    empty list.

    Needs no lock (an answer for showing, not a promise: ``apply`` decides
    under the lock) and runs no query once ``ticket.organization`` is loaded.
    """
    try:
        kind = actor_kind(actor, ticket)
    except TransitionError:
        return []
    if ticket.merged_into_id is not None:
        return []  # ``check`` refuses every move of a merged ticket
    unused: set[Action] = set()
    if ticket.status == Status.CLOSED:
        unused = {Action.REOPEN, Action.FOLLOW_UP} - {closed_reply_action(ticket)}
    available: list[Action] = []
    for action, rule in TABLE.items():
        target = rule.moves.get(ticket.status)
        if kind not in rule.actors or target is None or action in unused:
            continue
        if rule.status_only and target == ticket.status:
            continue
        if action == Action.TAKE and (actor is None or ticket.assignee_id == actor.pk):
            continue  # the system assigns only as a ticket opens, never on demand
        if action == Action.AUTO_CLOSE and not is_due_for_auto_close(
            ticket, now=now or timezone.now()
        ):
            continue
        available.append(action)
    return available


def apply(
    ticket: Ticket, action: Action, *, actor, now: datetime | None = None
) -> TicketEvent | None:
    """Move the locked ``ticket`` as ``action`` says and record it.

    Returns the status event, or ``None`` when the action is allowed but leaves
    the status as it was. Saves only the fields it changes.
    """
    target = check(ticket, action, actor)
    now = now or timezone.now()
    if action == Action.AUTO_CLOSE and not is_due_for_auto_close(ticket, now=now):
        raise TransitionError(_("This ticket is not due to close yet."))
    if target == ticket.status:
        return None
    previous = ticket.status
    ticket.status = target
    ticket.updated_at = now
    fields = ["status", "updated_at"]
    # Entering Waiting, Solved or Closed stamps its time; leaving it clears the stamp.
    for status, stamp in (
        (Status.WAITING, "waiting_since"),
        (Status.SOLVED, "solved_at"),
        (Status.CLOSED, "closed_at"),
    ):
        if status in (target, previous):
            setattr(ticket, stamp, now if target == status else None)
            fields.append(stamp)
    ticket.save(update_fields=fields)
    assigned = ticket.assignee_id is not None
    counter_shift(
        organization_id=ticket.organization_id,
        from_state=(previous, assigned),
        to_state=(target, assigned),
    )
    return record_event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.STATUS,
        now=now,
        from_value=previous,
        to_value=target,
    )


def auto_close_deadline(ticket: Ticket) -> datetime | None:
    """When a solved ticket closes unless someone replies (shown to customers)."""
    if ticket.status != Status.SOLVED or ticket.solved_at is None:
        return None
    return ticket.solved_at + settings.HELPDESK_AUTO_CLOSE_AFTER


def is_due_for_auto_close(ticket: Ticket, *, now: datetime) -> bool:
    deadline = auto_close_deadline(ticket)
    return deadline is not None and deadline <= now
