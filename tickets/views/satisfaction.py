"""Rating a solved ticket (issue 19): on the ticket page, and from the emailed links.

The emailed link needs no login: it is the credential, for that one ticket's
rating by its requester only. Mail scanners open links before people do, so
a GET records nothing: it shows the clicked rating chosen, and a script
(``static/js/satisfaction.js``) submits it at once in a real browser. The
POST is CSRF-protected and an upsert, so opening the link twice is harmless.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.requests import AuthenticatedHttpRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.forms import SatisfactionForm
from tickets.models import SatisfactionRating, Ticket
from tickets.satisfaction import can_rate, rating_link_read, satisfaction_enabled
from tickets.views.common import add_service_errors
from tickets.views.ticket_page import render_ticket_page
from tickets.workflow import TransitionError


@login_required
@require_POST
def ticket_rating(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The ticket page's Good / Bad form (the requester's, while the ticket is Solved)."""
    ticket = get_ticket_for(request.user, number)
    form = SatisfactionForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_rate(ticket=ticket, rater=request.user, **form.cleaned_data)
        except TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your rating was saved."))
            return redirect(ticket.get_absolute_url() + "#satisfaction")
    if form.errors:
        return render_ticket_page(request, ticket, satisfaction_form=form, status=400)
    return redirect(ticket.get_absolute_url() + "#satisfaction")


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(
        request,
        "tickets/rate.html",
        {"refused": message, "bare": True},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed Good / Bad link: GET shows it, POST records it (see the module)."""
    try:
        link = rating_link_read(token)
    except signing.SignatureExpired:
        return _refused(
            request,
            _("This rating link has expired. You can still rate the ticket on its page."),
            status=410,
        )
    except signing.BadSignature:
        return _refused(request, _("This rating link is not valid."), status=404)
    # The door, as the person the link was sent to: their organisation's ticket only.
    rater = User.objects.filter(pk=link.user_id, is_active=True).first()
    ticket = (
        Ticket.objects.visible_to(rater)
        .select_related("organization")
        .filter(pk=link.ticket_id)
        .first()
        if rater is not None
        else None
    )
    if rater is None or ticket is None or ticket.requester_id != rater.pk:
        return _refused(request, _("This rating link is not valid."), status=404)
    if not satisfaction_enabled(ticket.organization):
        return _refused(request, _("This organisation does not rate its tickets."), status=404)
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    status = 200
    if request.method == "POST":
        form = SatisfactionForm(request.POST)
        if form.is_valid():
            try:
                services.ticket_rate(ticket=ticket, rater=rater, **form.cleaned_data)
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect(request.path)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(request.path + "?saved=1")
        status = 400
    else:
        initial = {"score": link.score, "comment": rating.comment if rating else ""}
        form = SatisfactionForm(initial=initial)
    open_now = can_rate(ticket, rater)
    return render(
        request,
        "tickets/rate.html",
        {
            "ticket": ticket,
            "rating": rating,
            "form": form,
            "can_rate": open_now,
            "saved": request.GET.get("saved") == "1",
            # One click from the email: submit the clicked rating unless it is
            # the one already recorded (a second opening changes nothing).
            "autosubmit": open_now
            and request.method == "GET"
            and request.GET.get("saved") != "1"
            and (rating is None or rating.score != link.score),
            "bare": True,
        },
        status=status,
    )
