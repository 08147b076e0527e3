"""Fetching single tenant objects: the same 404 for "missing" and "not yours"."""

from django.http import Http404

from tickets.models import Ticket


def get_ticket_for(user, number: int) -> Ticket:
    """The ticket numbered ``number`` if ``user`` may see it; 404 otherwise."""
    # Not the ticket it follows up (a second pass over the tickets table): the
    # join cost more to plan than the page's notice costs to fetch, on the few
    # tickets that have one.
    ticket = (
        Ticket.objects.visible_to(user)
        .select_related("organization", "category", "requester", "assignee")
        .filter(pk=number)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket
