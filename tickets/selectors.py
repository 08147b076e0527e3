"""Read-side helpers shared by the portal and the agent workspace."""

from __future__ import annotations

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When

from tickets.models import TicketRead


def with_unseen(tickets: QuerySet, user) -> QuerySet:
    """Annotate ``unseen``: the other side wrote since ``user`` last opened the ticket.

    For a customer the other side is support (the row is bold, seed 002); for
    support it is the customer. One subquery, so a list keeps its query count.
    """
    field = "customer_activity_at" if user.is_support_staff else "support_activity_at"
    seen = TicketRead.objects.filter(user=user, ticket=OuterRef("pk")).values("seen_at")[:1]
    return tickets.annotate(seen_at=Subquery(seen)).annotate(
        unseen=Case(
            When(
                Q(**{f"{field}__isnull": False})
                & (Q(seen_at__isnull=True) | Q(**{f"{field}__gt": F("seen_at")})),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
