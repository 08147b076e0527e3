"""The agent workspace: one queue across every organisation, bulk work, and
support's actions on a ticket. Support staff only; anyone else gets 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import VerifyCallerForm
from accounts.pins import pin_verify
from accounts.requests import AuthenticatedHttpRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.agent_forms import (
    AgentReplyForm,
    AgentTicketForm,
    AssignForm,
    BulkForm,
    CategoryForm,
    PriorityForm,
    PropertiesForm,
    StatusForm,
)
from tickets.models import Macro, Message, Ticket
from tickets.presence import messages_added
from tickets.views.bulk_selection import selection_keep
from tickets.views.common import (
    add_service_errors,
    form_errors_as_messages,
    safe_next,
    support_only,
)
from tickets.views.ticket_page import message_posted, render_ticket_page
from tickets.workflow import Action, TransitionError


@login_required
@support_only
@require_POST
def bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        form_errors_as_messages(request, form)
        _keep_selection(request, request.POST.getlist("ticket"))
        return redirect(back)
    data = form.cleaned_data
    if data["action"] == "close" and not data["confirmed"]:
        tickets = _selected(request, data["ticket"])
        return render(request, "agent/bulk_close_confirm.html", {"tickets": tickets, "next": back})
    macro = None
    if data["action"] == "macro":
        if not data["macro"]:
            # The queue does not list macros (its fixed queries): choose here.
            return render(
                request,
                "agent/bulk_macro.html",
                {
                    "tickets": _selected(request, data["ticket"]),
                    "macros": Macro.objects.visible_to(request.user),
                    "next": back,
                },
            )
        try:
            macro = services.macro_for(request.user, data["macro"])
        except Macro.DoesNotExist:
            messages.error(request, _("Choose the macro to apply."))
            _keep_selection(request, request.POST.getlist("ticket"))
            return redirect(back)
    result = services.tickets_bulk(
        actor=request.user,
        ticket_ids=data["ticket"],
        action=data["action"],
        assignee=data.get("assignee"),
        priority=data.get("priority"),
        tags=data.get("tags") or "",
        macro=macro,
    )
    label = str(dict(BulkForm.ACTIONS)[data["action"]]).rstrip("…").lower()
    if result.done:
        numbers = ", ".join(f"#{number}" for number in result.done)
        messages.success(
            request, _("Done (%(action)s): %(numbers)s.") % {"action": label, "numbers": numbers}
        )
    for number, reason in result.skipped:
        messages.error(
            request,
            _("#%(number)s was skipped: %(reason)s") % {"number": number, "reason": reason},
        )
    _keep_selection(request, [number for number, _reason in result.skipped])
    return redirect(back)


def _selected(request: AuthenticatedHttpRequest, numbers: list[int]):
    """The selected tickets the agent may see, for a page that asks before acting."""
    return (
        Ticket.objects.visible_to(request.user)
        .filter(pk__in=numbers)
        .select_related("organization")
        .order_by("pk")
    )


def _keep_selection(request: AuthenticatedHttpRequest, tickets: list) -> None:
    """After an error the queue comes back with the same rows checked (the
    skipped ones, when others were done) and the same choices in the bulk bar."""
    if tickets:
        selection_keep(request, tickets=tickets, choices=request.POST)
        count = len(tickets)
        messages.info(
            request,
            ngettext("The ticket stays selected.", "The %(count)d tickets stay selected.", count)
            % {"count": count},
        )


# --- Actions on one ticket ------------------------------------------------------


def _act(
    request: AuthenticatedHttpRequest, number: int, form_class, act, done: str
) -> HttpResponse:
    """Fetch through the door, validate, call one service, and report back on the page."""
    ticket = get_ticket_for(request.user, number)
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(ticket)
    try:
        act(ticket, form.cleaned_data)
    except TransitionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(ticket)


class _NoInput(forms.Form):
    """Actions that take nothing but the ticket (and the CSRF token)."""


@login_required
@support_only
@require_POST
def take(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        _NoInput,
        lambda ticket, data: services.ticket_take(
            ticket=ticket, agent=request.user, take_over=request.POST.get("take_over") == "1"
        ),
        _("You took the ticket."),
    )


@login_required
@support_only
@require_POST
def assign(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        AssignForm,
        lambda ticket, data: services.ticket_assign(
            ticket=ticket, actor=request.user, assignee=data["assignee"]
        ),
        _("Assignee saved."),
    )


@login_required
@support_only
@require_POST
def priority(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        PriorityForm,
        lambda ticket, data: services.ticket_set_priority(
            ticket=ticket, actor=request.user, priority=data["priority"]
        ),
        _("Priority saved."),
    )


@login_required
@support_only
@require_POST
def category(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        CategoryForm,
        lambda ticket, data: services.ticket_set_category(
            ticket=ticket, actor=request.user, category=data["category"]
        ),
        _("Ticket type saved."),
    )


@login_required
@support_only
@require_POST
def properties(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The ticket page's one Save: assignee, priority and type as one act (one service call)."""
    return _act(
        request,
        number,
        PropertiesForm,
        lambda ticket, data: services.ticket_update(
            ticket=ticket,
            actor=request.user,
            assignee=data["assignee"],
            priority=data["priority"],
            category=data["category"],
        ),
        _("Ticket properties saved."),
    )


@login_required
@support_only
@require_POST
def change_status(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        StatusForm,
        lambda ticket, data: services.ticket_change_status(
            ticket=ticket, actor=request.user, action=Action(data["action"])
        ),
        _("Status saved."),
    )


@login_required
@support_only
@require_POST
def agent_reply(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    form = AgentReplyForm(request.POST, request.FILES)
    macro = None
    if form.is_valid() and form.cleaned_data["macro"]:
        try:
            macro = services.macro_for(request.user, form.cleaned_data["macro"])
        except Macro.DoesNotExist:
            raise Http404("No such macro.") from None

    if form.is_valid():
        added = _added_while_writing(request, ticket, form.cleaned_data)
        if added:
            return render_ticket_page(
                request, ticket, agent_reply_form=form, added_messages=added, status=409
            )

    def done(reply: services.Reply) -> HttpResponse:
        what = _("Internal note added.") if form.cleaned_data["internal"] else _("Reply sent.")
        if macro is not None:
            what = _("Macro applied: %(title)s.") % {"title": macro.title}
        messages.success(request, what)
        return redirect(reply.message or reply.ticket)

    def post() -> services.Reply:
        data = form.cleaned_data
        if macro is not None:
            # The message and the macro's actions: one act (issue 18).
            try:
                return services.macro_apply(
                    macro=macro,
                    ticket=ticket,
                    agent=request.user,
                    body=data["body"],
                    internal=data["internal"],
                    submit_as=data["submit_as"] or None,
                    files=data["files"],
                )
            except Macro.DoesNotExist:
                raise Http404("No such macro.") from None  # deleted meanwhile
        return services.ticket_reply(
            ticket=ticket,
            author=request.user,
            body=data["body"],
            files=data["files"],
            internal=data["internal"],
            submit_as=data["submit_as"] or None,
        )

    return message_posted(request, ticket, form, form_name="agent_reply_form", post=post, done=done)


def _added_while_writing(
    request: AuthenticatedHttpRequest, ticket: Ticket, data: dict
) -> list[Message]:
    """Issue 18's collision rule: what others added after the message the
    reply's page showed last, when that includes a public message and the
    reply is public; else nothing (send). Internal notes of colleagues are
    listed beside such a message but never hold a reply back on their own,
    and an internal note being written is never held back: neither reaches
    the customer. The page that comes back shows them all and its form
    carries the newest message as seen, so sending again is the confirmation;
    anything newer still asks again."""
    if data["internal"] or data["seen"] is None:
        return []
    added = list(messages_added(ticket=ticket, user=request.user, seen=data["seen"]))
    if not any(not message.is_internal for message in added):
        return []
    return added


@login_required
@support_only
@require_http_methods(["GET", "POST"])
def open_for_customer(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AgentTicketForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_open(
                    actor=request.user,
                    organization=data["organization"],
                    requester=data["requester"],
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    priority=data["priority"],
                    internal_reference=data["internal_reference"],
                    product=data["product"],
                    resource=data["resource"],
                    files=data["files"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Ticket #%(number)s was opened for %(requester)s; it waits for the customer.")
                    % {"number": ticket.number, "requester": ticket.requester.full_name},
                )
                return redirect(ticket)
        return render(request, "agent/open_for_customer.html", {"form": form}, status=400)
    initial = {
        key: request.GET[key][:254] for key in ("organization", "requester") if key in request.GET
    }
    form = AgentTicketForm(initial=initial)
    return render(request, "agent/open_for_customer.html", {"form": form})


@login_required
@support_only
@require_POST
def verify_caller(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Seed 000: the caller gives their account alias, email and PIN."""
    form = VerifyCallerForm(request.POST)
    back = safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        form_errors_as_messages(request, form)
        _keep_selection(request, request.POST.getlist("ticket"))
        return redirect(back)
    data = form.cleaned_data
    ticket = get_ticket_for(request.user, data["ticket"]) if data["ticket"] else None
    verified = pin_verify(
        agent=request.user, alias=data["alias"], email=data["email"], pin=data["pin"], ticket=ticket
    )
    if not verified:
        # One answer whatever was wrong: the alias, the email, the PIN, or a lockout.
        messages.error(request, _("Not verified."))
        return redirect(back)
    if ticket is not None and data["record"]:
        services.ticket_record_caller_verified(ticket=ticket, actor=request.user)
    messages.success(
        request,
        _("Verified: %(email)s of %(alias)s.")
        % {"email": data["email"], "alias": data["alias"].upper()},
    )
    return redirect(back)
