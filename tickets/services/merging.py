"""Merging one ticket into another of the same organisation (issue 18).

The duplicate that arrived by email and by portal becomes one conversation:
the source's request, messages and files move to the target with their
authors and times (each marked as merged from the source), its tags join the
target's, its followers (and its requester, when another person) follow the
target instead (``tickets.services.followers.followers_carry``), the source is
closed with a pointer to the target (``Ticket.merged_into``) and stays so,
and both tickets record a MERGED event customers see. Email replies to the
source's threads land in the target (``inbound.routing.threaded_ticket``
follows the pointer).

The rules, each refused with a sentence naming it:

- support staff only (``PermissionDenied``);
- the target exists, is not the source and is of the source's organisation
  (``ValidationError`` on ``into``);
- the target is not itself merged (refused, naming where it went, rather
  than followed: the agent chose a ticket and should see the one it lands
  in) and not closed (a closed ticket takes no messages: reopen it first);
  a solved target is allowed and stays solved (``ValidationError`` on ``into``);
- the source is not merged already and not closed (``TransitionError``).

Both rows are locked in primary-key order (``tickets.locks``) and every rule
is checked again under the locks, so merging A into B and B into A at once
ends in one merge and one refusal, never a cycle.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets import workflow
from tickets.events import one_act, record_event
from tickets.locks import lock_tickets
from tickets.models import TAGS_PER_TICKET, Attachment, Message, Status, Ticket, TicketEvent
from tickets.services.common import notes_document_refresh, search_document_refresh, touch
from tickets.services.followers import followers_carry
from tickets.services.tags import ticket_tag
from tickets.workflow import Action, TransitionError

COMMENT_MAX_LENGTH = 5000


def merge_refusal(source: Ticket, target: Ticket | None, number: int) -> ValidationError | None:
    """Why ``source`` may not be merged into ``target`` (ticket number ``number``,
    ``None`` if there is none), as a ``ValidationError`` on ``into``; ``None``
    if it may. Pages use it to check a choice before asking for confirmation;
    the merge asks it again under the locks."""
    if number == source.pk:
        return ValidationError({"into": _("A ticket can't be merged into itself.")})
    if target is None:
        return ValidationError({"into": _("There is no ticket #%(number)s.") % {"number": number}})
    if target.organization_id != source.organization_id:
        return ValidationError(
            {
                "into": _(
                    "Ticket #%(number)s belongs to another organisation; tickets merge "
                    "only within one organisation."
                )
                % {"number": number}
            }
        )
    if target.merged_into_id is not None:
        return ValidationError(
            {
                "into": _(
                    "Ticket #%(number)s was itself merged into #%(final)s; merge into "
                    "#%(final)s instead."
                )
                % {"number": number, "final": target.merged_into_id}
            }
        )
    if target.status == Status.CLOSED:
        return ValidationError(
            {
                "into": _(
                    "Ticket #%(number)s is closed; reopen it first or merge into an active ticket."
                )
                % {"number": number}
            }
        )
    return None


def _source_refusal(source: Ticket) -> TransitionError | None:
    if source.merged_into_id is not None:
        return TransitionError(
            _("This ticket was already merged into #%(number)s.")
            % {"number": source.merged_into_id}
        )
    if source.status == Status.CLOSED:
        return TransitionError(_("A closed ticket can't be merged; reopen it first."))
    return None


@one_act
@transaction.atomic
def ticket_merge(*, ticket: Ticket, into: int, actor: User, comment: str = "") -> Ticket:
    """Merge ``ticket`` into the ticket numbered ``into``; returns the target.

    ``comment`` (optional) is added to the target as an internal note, with
    the line that says what was merged and, when the source's requester is
    someone else, who that is. Refusals store nothing (see the module).
    """
    if not actor.is_support_staff:
        raise PermissionDenied("Only support staff merge tickets.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("A comment can be at most %(max)d characters.")
                % {"max": COMMENT_MAX_LENGTH}
            }
        )
    locked = {row.pk: row for row in lock_tickets([ticket.pk, into])}
    source = locked.get(ticket.pk)
    if source is None:
        raise Ticket.DoesNotExist(f"Ticket {ticket.pk} does not exist.")
    refusal = _source_refusal(source)
    if refusal is not None:
        raise refusal
    target = locked.get(into)
    error = merge_refusal(source, target, into)
    if error is not None:
        raise error
    assert target is not None
    now = timezone.now()
    _move_conversation(source, target)
    _note_on_target(source, target, actor=actor, comment=comment, now=now)
    _carry_tags(source, target, actor=actor, now=now)
    followers_carry(source=source, target=target, actor=actor, now=now)
    # Close through the lifecycle first (it refuses moves of a merged ticket),
    # then point at the target.
    workflow.apply(source, Action.CLOSE, actor=actor, now=now)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    for side in (source, target):
        record_event(
            side,
            actor=actor,
            kind=TicketEvent.Kind.MERGED,
            now=now,
            from_value=str(source.pk),
            to_value=str(target.pk),
        )
    _target_activity(source, target, now=now)
    for side in (source, target):
        search_document_refresh(side)
        notes_document_refresh(side)
    return target


def _move_conversation(source: Ticket, target: Ticket) -> None:
    """The source's request becomes a message on the target (its requester's,
    at its time), and its messages and files move there, keeping theirs."""
    request = Message.objects.create(
        ticket=target,
        organization_id=target.organization_id,
        author=source.requester,
        body=source.description,
        is_internal=False,
        created_at=source.created_at,
        merged_from=source,
    )
    Attachment.objects.filter(ticket=source, message__isnull=True).update(
        ticket=target, message=request
    )
    Attachment.objects.filter(ticket=source).update(ticket=target)
    # Messages merged here earlier keep the ticket they were written on.
    Message.objects.filter(ticket=source, merged_from__isnull=True).update(merged_from=source)
    Message.objects.filter(ticket=source).update(ticket=target)


def _note_on_target(
    source: Ticket, target: Ticket, *, actor: User, comment: str, now: datetime
) -> None:
    lines = [
        _("Merged #%(number)s “%(subject)s” into this ticket.")
        % {"number": source.pk, "subject": source.subject}
    ]
    if source.requester_id != target.requester_id:
        lines.append(
            _("Its requester was %(name)s <%(email)s>.")
            % {"name": source.requester.full_name, "email": source.requester.email}
        )
    if comment:
        lines.append(comment)
    note = Message.objects.create(
        ticket=target,
        organization_id=target.organization_id,
        author=actor,
        body="\n\n".join(lines),
        is_internal=True,
        created_at=now,
    )
    record_event(
        target, actor=actor, kind=TicketEvent.Kind.NOTE, now=now, message=note, is_internal=True
    )


def _carry_tags(source: Ticket, target: Ticket, *, actor: User, now: datetime) -> None:
    """The source's tags join the target's, as many as the target has room for
    (a merge is never refused for its tags)."""
    have = set(target.tags.values_list("name", flat=True))
    new = sorted(set(source.tags.values_list("name", flat=True)) - have)
    new = new[: max(0, TAGS_PER_TICKET - len(have))]
    if new:
        ticket_tag(ticket=target, actor=actor, add=new, now=now)


def _target_activity(source: Ticket, target: Ticket, *, now: datetime) -> None:
    """Whose side spoke last, over both conversations: what marks the target
    unseen for the people who had not read the moved messages."""
    latest = Message.objects.filter(ticket=target, merged_from=source, is_internal=False).aggregate(
        support=Max("created_at", filter=_by_support(True)),
        customer=Max("created_at", filter=_by_support(False)),
    )
    fields: list[str] = []
    for field, moved in (
        ("support_activity_at", latest["support"]),
        ("customer_activity_at", latest["customer"]),
    ):
        current = getattr(target, field)
        if moved is not None and (current is None or moved > current):
            setattr(target, field, moved)
            fields.append(field)
    touch(target, now=now, fields=tuple(fields))


def _by_support(support: bool) -> Q:
    staff = Q(author__role__in=User.STAFF_ROLES)
    return staff if support else ~staff
