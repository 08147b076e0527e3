"""Read-side helpers of tickets, shared by the pages, the API and the navigation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from tickets.models import (
    Category,
    SatisfactionRating,
    Status,
    Ticket,
    TicketEvent,
    TicketRead,
)


def with_unseen(tickets: QuerySet, user) -> QuerySet:
    """Annotate ``unseen``: new for ``user`` since ``user`` last looked (issue 20).

    The other side wrote after this user's own last view of the ticket: for
    a customer the other side is support (the row is bold, seed 002), for
    support the customer. Another person's reads never count. A ticket the
    user has never opened is new only when it is theirs to answer: the
    customer's own request, or for an agent one assigned to them or to
    nobody yet; a colleague's ticket never opened is not "new" to them.
    One subquery, so a list keeps its query count.
    """
    if user.is_support_staff:
        field = "customer_activity_at"
        theirs = Q(assignee=user) | Q(assignee__isnull=True)
    else:
        field = "support_activity_at"
        theirs = Q(requester=user)
    seen = TicketRead.objects.filter(user=user, ticket=OuterRef("pk")).values("seen_at")[:1]
    return tickets.annotate(seen_at=Subquery(seen)).annotate(
        unseen=Case(
            When(
                Q(**{f"{field}__isnull": False})
                & ((Q(seen_at__isnull=True) & theirs) | Q(**{f"{field}__gt": F("seen_at")})),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def unseen_replies(user) -> int:
    """An agent's unsolved tickets where the customer wrote since the agent last looked.

    One LEFT JOIN to the agent's read marks (not a subquery per ticket), so
    PostgreSQL answers from the ``ticket_assignee_unsolved`` index alone.
    """
    return (
        Ticket.objects.visible_to(user)
        .filter(
            assignee=user,
            status__in=[Status.OPEN, Status.IN_PROGRESS, Status.WAITING],
            customer_activity_at__isnull=False,
        )
        .annotate(my_read=FilteredRelation("reads", condition=Q(reads__user=user)))
        .filter(
            Q(my_read__seen_at__isnull=True) | Q(customer_activity_at__gt=F("my_read__seen_at"))
        )
        .count()
    )


def active_category(slug: str | None) -> Category | None:
    """The active ticket type whose slug is ``slug``: what a new ticket or a change names."""
    if not slug:
        return None
    return Category.objects.filter(slug=slug, is_active=True).first()


def history(events: Iterable[TicketEvent]) -> list[list[TicketEvent]]:
    """A ticket's timeline as acts: the events one service call wrote (one act
    id), in order, make one entry. Rows older than act ids stand alone, as
    the history always showed them."""
    acts: list[list[TicketEvent]] = []
    for event in events:
        if acts and event.act is not None and acts[-1][0].act == event.act:
            acts[-1].append(event)
        else:
            acts.append([event])
    return acts


@dataclass(frozen=True)
class SatisfactionSummary:
    """CSAT over some ratings: the share of Good among Good and Bad."""

    good: int
    bad: int

    @property
    def total(self) -> int:
        return self.good + self.bad

    @property
    def percent(self) -> float | None:
        """Good out of all, as a percentage rounded to one decimal; None without ratings."""
        if not self.total:
            return None
        return round(100 * self.good / self.total, 1)


def satisfaction_percent(ratings: QuerySet[SatisfactionRating]) -> SatisfactionSummary:
    """CSAT of ``ratings``, in one query: narrow the queryset first (a period on
    ``created_at``, an ``agent``, an ``organization``, always through
    ``SatisfactionRating.objects.visible_to(user)``)."""
    Score = SatisfactionRating.Score
    counts = ratings.order_by().aggregate(
        good=Count("pk", filter=Q(score=Score.GOOD)),
        bad=Count("pk", filter=Q(score=Score.BAD)),
    )
    return SatisfactionSummary(good=counts["good"] or 0, bad=counts["bad"] or 0)


def merge_destination(ticket: Ticket) -> Ticket:
    """Where ``ticket``'s conversation goes on: itself, or the ticket it was merged
    into, followed along later merges (A into B, then B into C: C). The
    organisation is loaded, as the email channel needs it."""
    seen = {ticket.pk}
    while ticket.merged_into_id is not None:
        following = (
            Ticket.objects.select_related("organization").filter(pk=ticket.merged_into_id).first()
        )
        if following is None or following.pk in seen:  # merges never cycle; be safe
            break
        seen.add(following.pk)
        ticket = following
    return ticket
