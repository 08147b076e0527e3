"""Rating a solved ticket (issue 19): one rating per ticket, changed in place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.events import one_act, record_event
from tickets.locks import lock_ticket
from tickets.models import SATISFACTION_COMMENT_MAX_LENGTH, SatisfactionRating, Status, Ticket
from tickets.models import TicketEvent as Event
from tickets.satisfaction import can_rate, satisfaction_enabled
from tickets.workflow import TransitionError


@one_act
def ticket_rate(
    *, ticket: Ticket, rater: User, score: str, comment: str = ""
) -> SatisfactionRating:
    """Record ``rater``'s Good or Bad (and optional comment) for ``ticket``.

    Locks the ticket row, so that any number of submissions at once leave one
    rating (the one-to-one is also unique in the table), and decides on the
    locked, fresh row: the ticket must still be Solved, ``rater`` its requester
    and the organisation must ask for ratings; otherwise ``TransitionError``.
    Bad input raises ``ValidationError`` naming ``score`` or ``comment`` and
    stores nothing. Sending the same rating again changes nothing and records
    no event (an emailed link opened twice); a change records one event.
    """
    if score not in SatisfactionRating.Score.values:
        raise ValidationError({"score": _("Choose Good or Bad.")})
    comment = (comment or "").strip()
    if len(comment) > SATISFACTION_COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _(
                    "The comment can be at most %(max)d characters long (it has %(count)d)."
                )
                % {"max": SATISFACTION_COMMENT_MAX_LENGTH, "count": len(comment)}
            }
        )
    ticket = lock_ticket(ticket.pk)
    if not satisfaction_enabled(ticket.organization):
        raise TransitionError(_("This organisation does not rate its tickets."))
    if ticket.status == Status.CLOSED:
        raise TransitionError(
            _("Ticket #%(number)s is closed: its rating can no longer change.")
            % {"number": ticket.pk}
        )
    if not can_rate(ticket, rater):
        if ticket.status != Status.SOLVED:
            raise TransitionError(
                _("Ticket #%(number)s can be rated once it is solved.") % {"number": ticket.pk}
            )
        raise TransitionError(_("Only the person who asked can rate this ticket."))
    now = timezone.now()
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    before = rating.score if rating else ""
    if rating is None:
        rating = SatisfactionRating.objects.create(
            ticket=ticket,
            organization_id=ticket.organization_id,
            rater=rater,
            agent_id=ticket.assignee_id,
            score=score,
            comment=comment,
            created_at=now,
            updated_at=now,
        )
    elif (rating.score, rating.comment) == (score, comment):
        return rating
    else:
        rating.score = score
        rating.comment = comment
        rating.rater = rater
        rating.agent_id = ticket.assignee_id
        rating.updated_at = now
        rating.save(update_fields=["score", "comment", "rater", "agent", "updated_at"])
    # Seen by the customer too: the history says who rated, and what, when.
    record_event(
        ticket,
        actor=rater,
        kind=Event.Kind.SATISFACTION,
        now=now,
        from_value=before,
        to_value=score,
    )
    return rating
