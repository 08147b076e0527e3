"""Support's actions on tickets: assignment, priority, category, status buttons, bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets import workflow
from tickets.counters import counter_shift, ticket_state
from tickets.events import one_act, record_event
from tickets.locks import lock_ticket
from tickets.models import Category, Macro, Priority, Ticket
from tickets.models import TicketEvent as Event
from tickets.services.common import touch
from tickets.services.conversation import ticket_set_reference
from tickets.services.tags import tag_names, ticket_tag
from tickets.workflow import Action, TransitionError


@one_act
@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, actor: User | None, assignee: User | None, now: datetime | None = None
) -> Ticket:
    """Give the ticket to an agent (``assignee=actor`` is "take"), or to nobody.

    ``actor`` None is the system: fair assignment as a ticket opens (issue 18).

    ``now`` is the instant of the act this change is part of (``ticket_update``).
    """
    if assignee is not None and not (assignee.is_support_staff and assignee.is_active):
        raise ValidationError(
            {"assignee": _("Tickets can be assigned to active support staff only.")}
        )
    ticket = lock_ticket(ticket.pk)
    workflow.check(ticket, Action.TAKE if assignee else Action.EDIT, actor)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    now = now or timezone.now()
    previous = ticket.assignee
    before = ticket_state(ticket)
    ticket.assignee = assignee
    touch(ticket, now=now, fields=("assignee",))
    counter_shift(
        organization_id=ticket.organization_id, from_state=before, to_state=ticket_state(ticket)
    )
    record_event(
        ticket,
        actor=actor,
        kind=Event.Kind.ASSIGNED,
        now=now,
        from_value=previous.full_name if previous else "",
        to_value=assignee.full_name if assignee else "",
        subject=assignee or previous,
    )
    if assignee is not None:
        workflow.apply(ticket, Action.TAKE, actor=actor, now=now)
    return ticket


@one_act
@transaction.atomic
def ticket_take(*, ticket: Ticket, agent: User, take_over: bool = False) -> Ticket:
    """Assign the ticket to oneself.

    Raises ``TransitionError`` (409 in the API) when another agent holds it,
    typically one who took it a moment earlier; ``take_over`` says the agent
    means to take it from them.
    """
    locked = lock_ticket(ticket.pk)
    if locked.assignee_id not in (None, agent.pk) and not take_over:
        holder = locked.assignee.full_name if locked.assignee else _("Another agent")
        raise TransitionError(
            _("%(holder)s has this ticket (taken in the meantime?); take it over to make it yours.")
            % {"holder": holder}
        )
    return ticket_assign(ticket=locked, actor=agent, assignee=agent)


def _edit(
    *,
    ticket: Ticket,
    actor: User,
    field: str,
    value: Any,
    kind: str,
    label: Callable[[Any], str],
    now: datetime | None,
) -> Ticket:
    """Change one property of an active ticket as support, with its history entry.

    Runs inside the caller's transaction; takes the ticket's lock itself.
    """
    ticket = lock_ticket(ticket.pk)
    workflow.check(ticket, Action.EDIT, actor)
    previous = getattr(ticket, field)
    if previous == value:
        return ticket
    now = now or timezone.now()
    setattr(ticket, field, value)
    touch(ticket, now=now, fields=(field,))
    record_event(
        ticket, actor=actor, kind=kind, now=now, from_value=label(previous), to_value=label(value)
    )
    return ticket


@one_act
@transaction.atomic
def ticket_set_priority(
    *, ticket: Ticket, actor: User, priority: int, now: datetime | None = None
) -> Ticket:
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose low, normal, high or urgent.")})
    return _edit(
        ticket=ticket,
        actor=actor,
        field="priority",
        value=priority,
        kind=Event.Kind.PRIORITY,
        label=str,
        now=now,
    )


@one_act
@transaction.atomic
def ticket_set_category(
    *, ticket: Ticket, actor: User, category: Category, now: datetime | None = None
) -> Ticket:
    if not category.is_active:
        raise ValidationError({"category": _("Choose one of the available ticket types.")})
    return _edit(
        ticket=ticket,
        actor=actor,
        field="category",
        value=category,
        kind=Event.Kind.CATEGORY,
        label=lambda chosen: chosen.name,
        now=now,
    )


class Keep(Enum):
    """``ticket_update``'s "leave the assignee as it is" (None means nobody)."""

    ASSIGNEE = "keep"


@one_act
@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User,
    internal_reference: str | None = None,
    priority: int | None = None,
    category: Category | None = None,
    assignee: User | Literal[Keep.ASSIGNEE] | None = Keep.ASSIGNEE,
    tags: Iterable[str] | None = None,
) -> Ticket:
    """Change several properties of a ticket as one act, all or none.

    ``tags``, when given, is the ticket's whole set of tags afterwards.

    Each change writes its own history entry, all at one instant, so that
    customers hear of the act once (``notifications.acts``). Customers may
    change only ``internal_reference``; the rest is support's, and is refused
    as the single-property services refuse it. Takes the ticket's lock.
    """
    ticket = lock_ticket(ticket.pk)
    now = timezone.now()
    if internal_reference is not None:
        ticket = ticket_set_reference(
            ticket=ticket, actor=actor, internal_reference=internal_reference, now=now
        )
    if priority is not None:
        ticket = ticket_set_priority(ticket=ticket, actor=actor, priority=priority, now=now)
    if category is not None:
        ticket = ticket_set_category(ticket=ticket, actor=actor, category=category, now=now)
    if assignee is not Keep.ASSIGNEE:
        ticket = ticket_assign(ticket=ticket, actor=actor, assignee=assignee, now=now)
    if tags is not None:
        wanted = tag_names(list(tags))
        current = list(ticket.tags.values_list("name", flat=True))
        ticket_tag(
            ticket=ticket,
            actor=actor,
            add=[name for name in wanted if name not in current],
            remove=[name for name in current if name not in wanted],
            now=now,
        )
    return ticket


STATUS_BUTTONS = (Action.WAIT, Action.SOLVE, Action.RESUME, Action.CLOSE)


@one_act
@transaction.atomic
def ticket_change_status(*, ticket: Ticket, actor: User, action: Action) -> Ticket:
    """Support's status buttons (wait, solve, resume) and anyone's close."""
    if action not in STATUS_BUTTONS:
        raise ValueError(f"{action} is not a status button")
    ticket = lock_ticket(ticket.pk)
    workflow.apply(ticket, action, actor=actor)
    return ticket


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


BULK_ACTIONS = ("take", "assign", "priority", "tag", "untag", "macro", "wait", "solve", "close")


def tickets_bulk(
    *,
    actor: User,
    ticket_ids: Iterable[int],
    action: str,
    assignee: User | None = None,
    priority: int | None = None,
    tags: str = "",
    macro: Macro | None = None,
) -> BulkResult:
    """Apply one of support's actions to many tickets, each in its own transaction.

    A ticket the lifecycle refuses is skipped with the reason; the others go
    on. Tickets are handled in primary-key order, like every lock here.
    ``macro`` (fetched through ``macro_for``) is applied to each ticket as
    its own act, with its own text filled in for that ticket.
    """
    from tickets.services.macros import macro_apply  # it builds on this module

    if not actor.is_support_staff:
        raise PermissionDenied("Bulk actions are for support staff.")
    if action not in BULK_ACTIONS:
        raise ValidationError(
            {"action": _("Choose one of: %(actions)s.") % {"actions": ", ".join(BULK_ACTIONS)}}
        )
    if action == "assign" and assignee is None:
        raise ValidationError({"assignee": _("Choose the agent to assign the tickets to.")})
    if action == "priority" and priority not in Priority.values:
        raise ValidationError({"priority": _("Choose low, normal, high or urgent.")})
    if action in ("tag", "untag") and not tag_names(tags):
        raise ValidationError({"tags": _("Type the tags to add or remove.")})
    if action == "macro" and macro is None:
        raise ValidationError({"macro": _("Choose the macro to apply.")})
    one: dict[str, Callable[[Ticket], object]] = {
        "take": lambda ticket: ticket_take(ticket=ticket, agent=actor),
        "assign": lambda ticket: ticket_assign(ticket=ticket, actor=actor, assignee=assignee),
        "priority": lambda ticket: ticket_set_priority(
            ticket=ticket,
            actor=actor,
            priority=priority,  # type: ignore[arg-type]
        ),
        "tag": lambda ticket: ticket_tag(ticket=ticket, actor=actor, add=tags),
        "untag": lambda ticket: ticket_tag(ticket=ticket, actor=actor, remove=tags),
        "macro": lambda ticket: macro_apply(
            macro=macro,  # type: ignore[arg-type]
            ticket=ticket,
            agent=actor,
        ),
    }
    apply = one.get(
        action,
        lambda ticket: ticket_change_status(ticket=ticket, actor=actor, action=Action(action)),
    )
    tickets = Ticket.objects.visible_to(actor).filter(pk__in=set(ticket_ids)).order_by("pk")
    result = BulkResult()
    for ticket in tickets:
        try:
            apply(ticket)
        except (TransitionError, ValidationError, Macro.DoesNotExist) as error:
            if isinstance(error, ValidationError):
                reason = error.messages[0]
            elif isinstance(error, Macro.DoesNotExist):
                reason = _("The macro is no longer there.")
            else:
                reason = str(error)
            result.skipped.append((ticket.pk, reason))
        else:
            result.done.append(ticket.pk)
    return result


@one_act
@transaction.atomic
def ticket_record_caller_verified(*, ticket: Ticket, actor: User) -> None:
    """Note in the history (support only) that the caller was verified by PIN."""
    if not actor.is_support_staff:
        raise PermissionDenied("Only support verifies callers.")
    record_event(
        ticket, actor=actor, kind=Event.Kind.VERIFIED, now=timezone.now(), is_internal=True
    )


@one_act
def ticket_record_sender_check(*, ticket: Ticket, verified: bool) -> None:
    """Note for support (internal) whether an emailed ticket carried its sender's PIN."""
    record_event(
        ticket,
        actor=None,
        kind=Event.Kind.SENDER,
        now=timezone.now(),
        is_internal=True,
        to_value="verified" if verified else "not verified",
    )
