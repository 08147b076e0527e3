"""The ticket page's Followers section (issue 18): add, remove, follow yourself.

One POST endpoint for customers and support alike; the rules are the
service's (``tickets.services.followers``). A ticket of another organisation
is the 404 of a missing page, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import AuthenticatedHttpRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.forms import FollowerForm
from tickets.models import Ticket, TicketFollower
from tickets.views.ticket_page import render_ticket_page


@login_required
@require_POST
def ticket_followers(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """``me=follow`` / ``me=unfollow``; ``remove=<user id>``; else add ``user``
    (an id from the menu) or ``email`` (when the organisation is too big for one)."""
    ticket = get_ticket_for(request.user, number)
    try:
        said = _change(request, ticket)
    except ValidationError as error:
        # A refused person (not addable, the cap reached) is the form's error,
        # shown by the control that asked: the page again, as a reply's is.
        form = FollowerForm(request.POST)
        form.is_valid()
        form.add_error(_control(request), error.messages)
        return render_ticket_page(request, ticket, follower_form=form, status=400)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if said:
            messages.success(request, said)
    return redirect(f"{ticket.get_absolute_url()}#followers")


def _change(request: AuthenticatedHttpRequest, ticket: Ticket) -> str:
    actor = request.user
    me = request.POST.get("me", "")
    if me == "follow":
        services.ticket_follow(actor=actor, ticket=ticket, user=actor)
        return _("You follow this ticket now.")
    if me == "unfollow":
        services.ticket_unfollow(actor=actor, ticket=ticket, user=actor)
        return _("You no longer follow this ticket.")
    if "remove" in request.POST:
        follower = (
            TicketFollower.objects.visible_to(actor)
            .filter(ticket=ticket, user_id=_number(request.POST["remove"]))
            .select_related("user")
            .first()
        )
        if follower is None:
            return ""  # removed already (or never there): the page shows who follows
        services.ticket_unfollow(actor=actor, ticket=ticket, user=follower.user)
        return _("%(name)s no longer follows this ticket.") % {"name": follower.user.full_name}
    person = services.follower_for(
        actor,
        ticket,
        user_id=request.POST.get("user"),
        email=request.POST.get("email", "")[:254],
    )
    if services.ticket_follow(actor=actor, ticket=ticket, user=person) is None:
        return _("%(name)s already follows this ticket.") % {"name": person.full_name}
    return _("%(name)s follows this ticket now.") % {"name": person.full_name}


def _control(request: AuthenticatedHttpRequest) -> str:
    """The form field whose control the person used: the Follow button, the
    menu, or the email box (the service may name ``user`` for any of them)."""
    if request.POST.get("me"):
        return "me"
    return "user" if request.POST.get("user") else "email"


def _number(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else 0
