"""Every write to tickets: the one door that views, the API, email and tasks call.

Each function takes keyword-only arguments, runs in one transaction, locks
the ticket through ``tickets.locks`` before touching it, leaves status
decisions to ``tickets.workflow`` and records each change as a
``TicketEvent``. Invalid input raises ``ValidationError`` keyed by field; a
move the lifecycle refuses raises ``workflow.TransitionError``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from tickets import workflow
from tickets.locks import lock_ticket
from tickets.models import (
    REFERENCE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Category,
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.workflow import Action, TransitionError

SUBJECT_MAX = SUBJECT_MAX_LENGTH
REFERENCE_MAX = REFERENCE_MAX_LENGTH


def _clean_text(value: str | None, *, field: str, label: str, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"{label} is required."})
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            {field: f"{label} can be at most {max_length} characters (it has {len(text)})."}
        )
    return text


def _event(ticket: Ticket, *, actor, kind: str, now: datetime, **fields) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        organization_id=ticket.organization_id,
        actor=actor,
        kind=kind,
        created_at=now,
        **fields,
    )


def search_document_refresh(ticket: Ticket) -> None:
    """Rebuild the text search matches: everything a customer may see, no internal note."""
    parts = [
        str(ticket.pk),
        ticket.subject,
        ticket.description,
        ticket.internal_reference,
        ticket.requester.full_name,
        ticket.requester.email,
    ]
    public = (
        Message.objects.filter(ticket=ticket, is_internal=False)
        .select_related("author")
        .order_by("created_at", "id")
    )
    for message in public:
        parts.extend([message.author.full_name, message.author.email, message.body])
    ticket.search_document = "\n".join(part for part in parts if part)
    Ticket.objects.filter(pk=ticket.pk).update(search_document=ticket.search_document)


@transaction.atomic
def ticket_open(
    *,
    actor: User,
    category: Category,
    subject: str,
    description: str,
    priority: int = Priority.NORMAL,
    internal_reference: str = "",
    product: str = "",
    resource: str = "",
    channel: str | None = None,
    organization: Organization | None = None,
    requester: User | None = None,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    """Open a ticket. A customer opens one for their own organisation (Open);
    support opens one on a customer's behalf, naming the organisation and the
    requester (Waiting for customer, seed 002)."""
    subject = _clean_text(subject, field="subject", label="Subject", max_length=SUBJECT_MAX)
    description = _clean_text(description, field="description", label="Description")
    internal_reference = (internal_reference or "").strip()
    if len(internal_reference) > REFERENCE_MAX:
        raise ValidationError(
            {"internal_reference": f"Internal reference can be at most {REFERENCE_MAX} characters."}
        )
    if category is None or not category.is_active:
        raise ValidationError({"category": "Choose one of the available ticket types."})
    if priority not in Priority.values:
        raise ValidationError({"priority": "Choose low, normal, high or urgent."})

    if actor.is_support_staff:
        if organization is None:
            raise ValidationError({"organization": "Choose the customer's organisation."})
        if requester is None or requester.organization_id != organization.pk:
            raise ValidationError(
                {"requester": "Choose a user of that organisation as the requester."}
            )
        channel = channel or Channel.AGENT
    else:
        organization = actor.organization
        if organization is None:
            raise ValidationError("Only a member of an organisation can open a ticket.")
        requester = actor
        channel = channel or Channel.PORTAL
    if not requester.is_active:
        raise ValidationError({"requester": "That user is deactivated."})

    now = timezone.now()
    ticket = Ticket.objects.create(
        organization=organization,
        subject=subject,
        description=description,
        category=category,
        priority=priority,
        status=workflow.initial_status(actor),
        requester=requester,
        internal_reference=internal_reference,
        channel=channel,
        product=(product or "").strip()[:100],
        resource=(resource or "").strip()[:200],
        follow_up_of=follow_up_of,
        created_at=now,
        updated_at=now,
    )
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.CREATED,
        now=now,
        to_value=ticket.status,
        from_value=str(follow_up_of.pk) if follow_up_of else "",
    )
    search_document_refresh(ticket)
    return ticket


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    submit_as: str | None = None,
) -> Message:
    """Add a message to an active ticket and move it as the lifecycle says.

    A customer's reply may bring the ticket back to support; a public reply
    by support takes an Open ticket into progress, and ``submit_as`` (In
    progress, Waiting for customer or Solved) then sets where it ends. An
    internal note never changes the status nor what customers see.
    """
    body = _clean_text(body, field="body", label="Message")
    ticket = lock_ticket(ticket.pk)
    if internal and not author.is_support_staff:
        raise TransitionError("Only support can add internal notes.")
    if internal and submit_as:
        raise ValidationError({"submit_as": "An internal note does not change the status."})
    if author.is_support_staff:
        action = Action.NOTE if internal else Action.AGENT_REPLY
    else:
        action = Action.CUSTOMER_REPLY
    follow = _submit_as_action(submit_as, author)
    workflow.check(ticket, action, author)

    now = timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        organization_id=ticket.organization_id,
        author=author,
        body=body,
        is_internal=internal,
        created_at=now,
    )
    _event(
        ticket,
        actor=author,
        kind=TicketEvent.Kind.NOTE if internal else TicketEvent.Kind.REPLIED,
        now=now,
        message=message,
        is_internal=internal,
    )
    if internal:
        return message
    workflow.apply(ticket, action, actor=author, now=now)
    if follow is not None:
        workflow.apply(ticket, follow, actor=author, now=now)
    if ticket.updated_at != now:
        ticket.updated_at = now
        ticket.save(update_fields=["updated_at"])
    search_document_refresh(ticket)
    return message


_SUBMIT_AS = {
    Status.IN_PROGRESS: Action.RESUME,
    Status.WAITING: Action.WAIT,
    Status.SOLVED: Action.SOLVE,
}


def _submit_as_action(submit_as: str | None, author: User) -> Action | None:
    if not submit_as:
        return None
    if not author.is_support_staff:
        raise TransitionError("Only support can choose the status a reply leaves.")
    try:
        return _SUBMIT_AS[Status(submit_as)]
    except (ValueError, KeyError):
        raise ValidationError(
            {"submit_as": "Submit as In progress, Waiting for customer or Solved."}
        ) from None


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User) -> Ticket:
    """Close an active ticket (customers and support, after a confirmation)."""
    ticket = lock_ticket(ticket.pk)
    workflow.apply(ticket, Action.CLOSE, actor=actor)
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User, body: str) -> Ticket:
    """Answer a closed ticket: reopen it, or open a linked follow-up (the
    organisation's policy). Either way a non-empty message is required.

    Returns the ticket the conversation continues on: the same one reopened,
    or the new follow-up.
    """
    body = _clean_text(body, field="body", label="A message saying why you reopen the ticket")
    ticket = lock_ticket(ticket.pk)
    action = workflow.closed_reply_action(ticket)
    workflow.check(ticket, action, actor)
    if action == Action.REOPEN:
        now = timezone.now()
        workflow.apply(ticket, Action.REOPEN, actor=actor, now=now)
        message = Message.objects.create(
            ticket=ticket,
            organization_id=ticket.organization_id,
            author=actor,
            body=body,
            created_at=now,
        )
        _event(ticket, actor=actor, kind=TicketEvent.Kind.REPLIED, now=now, message=message)
        search_document_refresh(ticket)
        return ticket

    follow_up = ticket_open(
        actor=actor,
        organization=ticket.organization,
        requester=actor if actor.is_customer else ticket.requester,
        category=ticket.category if ticket.category.is_active else _any_active_category(),
        subject=_follow_up_subject(ticket),
        description=body,
        priority=Priority.NORMAL,
        internal_reference=ticket.internal_reference,
        product=ticket.product,
        resource=ticket.resource,
        channel=ticket.channel if actor.is_customer else Channel.AGENT,
        follow_up_of=ticket,
    )
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.FOLLOW_UP,
        now=follow_up.created_at,
        to_value=str(follow_up.pk),
    )
    return follow_up


def _follow_up_subject(ticket: Ticket) -> str:
    prefix = "Follow-up: "
    subject = ticket.subject
    if not subject.startswith(prefix):
        subject = prefix + subject
    return subject[:SUBJECT_MAX]


def _any_active_category() -> Category:
    category = Category.objects.filter(is_active=True).order_by("order", "name").first()
    if category is None:
        raise ValidationError({"category": "No ticket type is available; ask support."})
    return category


@transaction.atomic
def ticket_set_reference(*, ticket: Ticket, actor: User, internal_reference: str) -> Ticket:
    """Set the customer's own reference for the ticket (seed 001)."""
    value = (internal_reference or "").strip()
    if len(value) > REFERENCE_MAX:
        raise ValidationError(
            {"internal_reference": f"Internal reference can be at most {REFERENCE_MAX} characters."}
        )
    ticket = lock_ticket(ticket.pk)
    workflow.actor_kind(actor, ticket)
    if value == ticket.internal_reference:
        return ticket
    now = timezone.now()
    previous = ticket.internal_reference
    ticket.internal_reference = value
    ticket.updated_at = now
    ticket.save(update_fields=["internal_reference", "updated_at"])
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.REFERENCE,
        now=now,
        from_value=previous,
        to_value=value,
    )
    search_document_refresh(ticket)
    return ticket


# --- Support's actions (the agent workspace builds on these) -----------------


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> Ticket:
    """Give the ticket to an agent (``assignee=actor`` is "take"), or to nobody."""
    if assignee is not None and not (assignee.is_support_staff and assignee.is_active):
        raise ValidationError({"assignee": "Tickets can be assigned to active support staff only."})
    ticket = lock_ticket(ticket.pk)
    if assignee is None:
        workflow.check(ticket, Action.NOTE, actor)  # staff only, active tickets only
    else:
        workflow.check(ticket, Action.TAKE, actor)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    now = timezone.now()
    previous = ticket.assignee
    ticket.assignee = assignee
    ticket.updated_at = now
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.ASSIGNED,
        now=now,
        from_value=previous.full_name if previous else "",
        to_value=assignee.full_name if assignee else "",
    )
    if assignee is not None:
        workflow.apply(ticket, Action.TAKE, actor=actor, now=now)
    return ticket


def ticket_take(*, ticket: Ticket, agent: User) -> Ticket:
    return ticket_assign(ticket=ticket, actor=agent, assignee=agent)


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, actor: User, priority: int) -> Ticket:
    if priority not in Priority.values:
        raise ValidationError({"priority": "Choose low, normal, high or urgent."})
    ticket = lock_ticket(ticket.pk)
    workflow.check(ticket, Action.NOTE, actor)
    if ticket.priority == priority:
        return ticket
    now = timezone.now()
    previous = ticket.priority
    ticket.priority = priority
    ticket.updated_at = now
    ticket.save(update_fields=["priority", "updated_at"])
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.PRIORITY,
        now=now,
        from_value=str(previous),
        to_value=str(priority),
    )
    return ticket


@transaction.atomic
def ticket_set_category(*, ticket: Ticket, actor: User, category: Category) -> Ticket:
    if not category.is_active:
        raise ValidationError({"category": "Choose one of the available ticket types."})
    ticket = lock_ticket(ticket.pk)
    workflow.check(ticket, Action.NOTE, actor)
    if ticket.category_id == category.pk:
        return ticket
    now = timezone.now()
    previous = ticket.category
    ticket.category = category
    ticket.updated_at = now
    ticket.save(update_fields=["category", "updated_at"])
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.CATEGORY,
        now=now,
        from_value=previous.name,
        to_value=category.name,
    )
    return ticket


@transaction.atomic
def ticket_change_status(*, ticket: Ticket, actor: User, action: Action) -> Ticket:
    """Support's status buttons (wait, solve, resume) and anyone's close."""
    if action not in (Action.WAIT, Action.SOLVE, Action.RESUME, Action.CLOSE):
        raise ValueError(f"{action} is not a status button")
    ticket = lock_ticket(ticket.pk)
    workflow.apply(ticket, action, actor=actor)
    return ticket


@transaction.atomic
def ticket_auto_close(*, ticket_id: int, now: datetime | None = None) -> bool:
    """Close one solved ticket whose wait is over, as the system.

    Returns False, changing nothing, when the ticket is no longer due (a
    customer replied meanwhile, or it was closed already): safe to repeat.
    """
    now = now or timezone.now()
    ticket = lock_ticket(ticket_id)
    if not workflow.is_due_for_auto_close(ticket, now=now):
        return False
    workflow.apply(ticket, Action.AUTO_CLOSE, actor=None, now=now)
    return True
