"""Fetching single tenant objects: the same 404 for "missing" and "not yours"."""

from django.http import Http404

from tickets.models import Ticket


def get_ticket_for(user, number: int) -> Ticket:
    """The ticket numbered ``number`` if ``user`` may see it; 404 otherwise."""
    ticket = (
        Ticket.objects.visible_to(user)
        .select_related("organization", "category", "requester", "assignee", "follow_up_of")
        .filter(pk=number)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket
