"""The conversation: replies, internal notes, closing and answering closed tickets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets import workflow
from tickets.attachments.storing import attachments_store, files_removed_on_error
from tickets.attachments.validation import CheckedFile, check_files
from tickets.events import one_act, record_event
from tickets.locks import lock_ticket
from tickets.models import (
    REFERENCE_MAX_LENGTH,
    Category,
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
)
from tickets.models import TicketEvent as Event
from tickets.services.common import (
    clean_text,
    notes_document_refresh,
    search_document_refresh,
    touch,
)
from tickets.services.opening import open_checked
from tickets.workflow import Action, TransitionError


@dataclass(frozen=True)
class Reply:
    """Where a message landed: ``ticket`` is where the conversation goes on.

    ``message`` is None when the text opened a follow-up ticket instead (it is
    that ticket's description).
    """

    ticket: Ticket
    message: Message | None
    reopened: bool = False
    followed_up: bool = False
    closed: bool = False


_SUBMIT_AS = {
    Status.IN_PROGRESS: Action.RESUME,
    Status.WAITING: Action.WAIT,
    Status.SOLVED: Action.SOLVE,
}


def _submit_as_action(submit_as: str | None, author: User) -> Action | None:
    if not submit_as:
        return None
    if not author.is_support_staff:
        raise TransitionError(_("Only support can choose the status a reply leaves."))
    try:
        return _SUBMIT_AS[Status(submit_as)]
    except (ValueError, KeyError):
        raise ValidationError(
            {"submit_as": _("Submit as In progress, Waiting for customer or Solved.")}
        ) from None


def _add_message(ticket: Ticket, *, author: User, body: str, internal: bool, now: datetime):
    message = Message.objects.create(
        ticket=ticket,
        organization_id=ticket.organization_id,
        author=author,
        body=body,
        is_internal=internal,
        created_at=now,
    )
    record_event(
        ticket,
        actor=author,
        kind=Event.Kind.NOTE if internal else Event.Kind.REPLIED,
        now=now,
        message=message,
        is_internal=internal,
    )
    return message


def _public_activity(ticket: Ticket, *, author: User, now: datetime) -> None:
    """A public message: bump the update time and whose side spoke last."""
    field = "support_activity_at" if author.is_support_staff else "customer_activity_at"
    setattr(ticket, field, now)
    touch(ticket, now=now, fields=(field,))
    search_document_refresh(ticket)


@one_act
def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    submit_as: str | None = None,
    reopen_closed: bool = False,
    close: bool = False,
    files: Sequence[UploadedFile] = (),
) -> Reply:
    """Add a message to an active ticket and move it as the lifecycle says.

    A customer's reply may bring the ticket back to support; a public reply
    by support takes an Open ticket into progress, and ``submit_as`` (In
    progress, Waiting for customer or Solved) then sets where it ends. An
    internal note never changes the status nor what customers see.

    A closed ticket refuses messages, unless ``reopen_closed`` is set for a
    customer's reply (the portal's Send raced the close, or a reply came by
    email): then it is answered as the organisation's policy says, decided
    under the ticket's lock.

    ``close`` is seed 001's Close beside Send: the public message and the
    close are one act in one transaction, recorded as the message and one
    move to Closed (the move the reply alone would make is not recorded, as
    the close supersedes it). It refuses an internal note or ``submit_as``
    (``ValidationError`` on ``close``), and a ticket that is closed by the
    time the lock is held (``TransitionError``, nothing written): the caller
    asked to close an active ticket, not to reopen one.

    ``files`` are checked before anything is written; a refused file stores
    nothing of the message (``ValidationError`` on ``files``).
    """
    body = clean_text(body, field="body", required=_("Message is required."))
    checked = check_files(list(files))
    with files_removed_on_error() as written:
        return _reply(
            ticket=ticket,
            author=author,
            body=body,
            internal=internal,
            submit_as=submit_as,
            reopen_closed=reopen_closed,
            close=close,
            checked=checked,
            written=written,
        )


@transaction.atomic
def _reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool,
    submit_as: str | None,
    reopen_closed: bool,
    close: bool,
    checked: list[CheckedFile],
    written: list[str],
) -> Reply:
    ticket = lock_ticket(ticket.pk)
    if internal and not author.is_support_staff:
        raise TransitionError(_("Only support can add internal notes."))
    if internal and submit_as:
        raise ValidationError({"submit_as": _("An internal note does not change the status.")})
    if close and (internal or submit_as):
        raise ValidationError({"close": _("Only a public reply without a status can close.")})
    if (
        ticket.status == Status.CLOSED
        and reopen_closed
        and not close
        and not author.is_support_staff
    ):
        return _answer_closed(ticket, actor=author, body=body, checked=checked, written=written)
    if author.is_support_staff:
        action = Action.NOTE if internal else Action.AGENT_REPLY
    else:
        action = Action.CUSTOMER_REPLY
    follow = _submit_as_action(submit_as, author)
    workflow.check(ticket, action, author)
    if close:
        workflow.check(ticket, Action.CLOSE, author)

    now = timezone.now()
    message = _add_message(ticket, author=author, body=body, internal=internal, now=now)
    if close:
        workflow.apply(ticket, Action.CLOSE, actor=author, now=now)
    elif not internal:
        workflow.apply(ticket, action, actor=author, now=now)
        if follow is not None:
            workflow.apply(ticket, follow, actor=author, now=now)
    # Files last: storing them takes the quota's organisation lock, which comes
    # after the ticket counters that the moves above lock (tickets/attachments/quota.py).
    attachments_store(
        checked=checked, ticket=ticket, message=message, uploaded_by=author, written=written
    )
    if internal:
        notes_document_refresh(ticket)
        return Reply(ticket=ticket, message=message)
    _public_activity(ticket, author=author, now=now)
    return Reply(ticket=ticket, message=message, closed=close)


@one_act
@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User) -> Ticket:
    """Close an active ticket (customers and support, after a confirmation)."""
    ticket = lock_ticket(ticket.pk)
    workflow.apply(ticket, Action.CLOSE, actor=actor)
    return ticket


@one_act
def ticket_reopen(
    *, ticket: Ticket, actor: User, body: str, files: Sequence[UploadedFile] = ()
) -> Reply:
    """Answer a closed ticket: reopen it, or open a linked follow-up (the
    organisation's policy). Either way a non-empty message is required."""
    body = clean_text(
        body, field="body", required=_("A message saying why you reopen the ticket is required.")
    )
    checked = check_files(list(files))
    with files_removed_on_error() as written, transaction.atomic():
        locked = lock_ticket(ticket.pk)
        return _answer_closed(locked, actor=actor, body=body, checked=checked, written=written)


def _answer_closed(
    ticket: Ticket,
    *,
    actor: User,
    body: str,
    checked: list[CheckedFile],
    written: list[str],
) -> Reply:
    """The two "reply to Closed" rows of the lifecycle table; ``ticket`` is locked."""
    action = workflow.closed_reply_action(ticket)
    workflow.check(ticket, action, actor)
    if action == Action.REOPEN:
        now = timezone.now()
        workflow.apply(ticket, Action.REOPEN, actor=actor, now=now)
        message = _add_message(ticket, author=actor, body=body, internal=False, now=now)
        attachments_store(
            checked=checked, ticket=ticket, message=message, uploaded_by=actor, written=written
        )
        _public_activity(ticket, author=actor, now=now)
        return Reply(ticket=ticket, message=message, reopened=True)

    category = ticket.category
    if not category.is_active:
        category = _first_active_category()
    follow_up = open_checked(
        checked=checked,
        written=written,
        actor=actor,
        organization=ticket.organization,
        requester=actor if actor.is_customer else ticket.requester,
        category=category,
        subject=_follow_up_subject(ticket),
        description=body,
        priority=Priority.NORMAL,
        internal_reference=ticket.internal_reference,
        product=ticket.product,
        resource=ticket.resource,
        channel=ticket.channel if actor.is_customer else Channel.AGENT,
        follow_up_of=ticket,
    )
    record_event(
        ticket,
        actor=actor,
        kind=Event.Kind.FOLLOW_UP,
        now=follow_up.created_at,
        to_value=str(follow_up.pk),
    )
    return Reply(ticket=follow_up, message=None, followed_up=True)


def _follow_up_subject(ticket: Ticket) -> str:
    prefix = "Follow-up: "
    subject = ticket.subject
    if not subject.startswith(prefix):
        subject = prefix + subject
    return subject[: Ticket._meta.get_field("subject").max_length]


def _first_active_category() -> Category:
    category = Category.objects.filter(is_active=True).order_by("order", "name").first()
    if category is None:
        raise ValidationError({"category": _("No ticket type is available; ask support.")})
    return category


@one_act
@transaction.atomic
def ticket_set_reference(
    *, ticket: Ticket, actor: User, internal_reference: str, now: datetime | None = None
) -> Ticket:
    """Set the customer's own reference for the ticket (seed 001).

    ``now`` is the instant of the act this change is part of (``ticket_update``).
    """
    value = (internal_reference or "").strip()
    if len(value) > REFERENCE_MAX_LENGTH:
        raise ValidationError(
            {
                "internal_reference": (
                    _("Internal reference can be at most %(max)d characters.")
                    % {"max": REFERENCE_MAX_LENGTH}
                )
            }
        )
    ticket = lock_ticket(ticket.pk)
    workflow.actor_kind(actor, ticket)
    if value == ticket.internal_reference:
        return ticket
    now = now or timezone.now()
    previous = ticket.internal_reference
    ticket.internal_reference = value
    touch(ticket, now=now, fields=("internal_reference",))
    record_event(
        ticket, actor=actor, kind=Event.Kind.REFERENCE, now=now, from_value=previous, to_value=value
    )
    search_document_refresh(ticket)
    return ticket
