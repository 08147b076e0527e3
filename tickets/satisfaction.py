"""Who is asked to rate a solved ticket, and the signed links of the email.

An emailed link is the credential for one thing only: the rating of one
ticket by its requester. It carries the ticket, the requester and the score
they clicked, signed with the project's secret (``django.core.signing``,
salted for this use only) and good for ``HELPDESK_SATISFACTION_LINK_MAX_AGE``.
Whoever opens it still rates only while the ticket is Solved, the person is
still its requester and active, and the organisation asks for ratings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tickets.models import SatisfactionRating, Status, Ticket

_SALT = "tickets.satisfaction.rating-link"


def satisfaction_enabled(organization) -> bool:
    """Whether the organisation's customers are asked: its own switch, and its tier's."""
    return (
        organization.satisfaction_enabled
        and organization.support_tier not in settings.HELPDESK_SATISFACTION_OFF_TIERS
    )


def can_rate(ticket: Ticket, user) -> bool:
    """Whether ``user`` may rate (or re-rate) ``ticket`` now: its requester, while
    it is Solved, in an organisation that asks. Support never rates."""
    return (
        ticket.status == Status.SOLVED
        and getattr(user, "is_active", False)
        and not user.is_support_staff
        and user.pk == ticket.requester_id
        and user.organization_id == ticket.organization_id
        and satisfaction_enabled(ticket.organization)
    )


def shows_rating(ticket: Ticket, user) -> bool:
    """Whether the ticket page has a rating part for ``user`` (who already sees
    the ticket): support always; customers where the organisation asks."""
    return user.is_support_staff or satisfaction_enabled(ticket.organization)


@dataclass(frozen=True)
class RatingLink:
    ticket_id: int
    user_id: int
    score: str


def rating_link_token(ticket: Ticket, *, user_id: int, score: str) -> str:
    return signing.dumps({"t": ticket.pk, "u": user_id, "s": score}, salt=_SALT, compress=True)


def rating_link_url(ticket: Ticket, *, user_id: int, score: str) -> str:
    """The absolute address of a one-click rating, for an email."""
    token = rating_link_token(ticket, user_id=user_id, score=score)
    return settings.SITE_URL + reverse("tickets:rate", args=[token])


def rating_link_read(token: str) -> RatingLink:
    """What a link says, if we signed it and it has not expired.

    Raises ``signing.SignatureExpired`` for an old link and
    ``signing.BadSignature`` for anything we did not sign (or a malformed payload).
    """
    data = signing.loads(token, salt=_SALT, max_age=settings.HELPDESK_SATISFACTION_LINK_MAX_AGE)
    try:
        link = RatingLink(ticket_id=int(data["t"]), user_id=int(data["u"]), score=str(data["s"]))
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("Malformed rating link.") from None
    if link.score not in SatisfactionRating.Score.values:
        raise signing.BadSignature("Malformed rating link.")
    return link


def email_rating_links(ticket: Ticket, recipient) -> dict[str, str]:
    """The Good and Bad links for the solved notice, or none: only the requester
    is asked, only while the ticket is Solved, only where the organisation asks."""
    if not can_rate(ticket, recipient):
        return {}
    Score = SatisfactionRating.Score
    return {
        score: rating_link_url(ticket, user_id=recipient.pk, score=score)
        for score in (Score.GOOD, Score.BAD)
    }
