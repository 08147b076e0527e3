"""The customer portal: Tickets, Archive, Create, and a ticket's page.

Views authenticate, parse a form, fetch through the tenant door
(``visible_to`` / ``get_ticket_for``), call one service and render.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.requests import AuthenticatedHttpRequest
from tickets import services, workflow
from tickets.access import get_ticket_for
from tickets.attachments.validation import limits_text
from tickets.counters import organization_counts
from tickets.exports import ticket_csv
from tickets.forms import MessageForm, ReferenceForm, TicketCreateForm, TicketFilterForm
from tickets.models import (
    ARCHIVED_STATUSES,
    WORKED_STATUSES,
    Category,
    Message,
    Ticket,
)
from tickets.paging import BoundedPaginator, count_cap
from tickets.search import search_tickets
from tickets.selectors import with_unseen
from tickets.views.common import add_service_errors
from tickets.views.ticket_page import message_posted, render_ticket_page
from tickets.workflow import TransitionError


@login_required
@require_GET
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _ticket_list(request, archived=False)


@login_required
@require_GET
def ticket_archive(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _ticket_list(request, archived=True)


# Large text a list never shows.
LIST_DEFERRED = ("description", "description_html", "search_document", "notes_document")


def _listed(
    request: AuthenticatedHttpRequest, *, archived: bool
) -> tuple[QuerySet[Ticket], TicketFilterForm]:
    """The tickets a list (or its export) shows: the tab, narrowed by its filters."""
    visible = Ticket.objects.visible_to(request.user)
    tickets: QuerySet[Ticket] = visible.archived() if archived else visible.active()
    filters = TicketFilterForm(request.GET)
    category_slug = filters.value("category")
    if category_slug:
        tickets = tickets.filter(category__slug=category_slug)
    return search_tickets(tickets, filters.value("q")), filters


@login_required
@require_GET
def ticket_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    """The list's tickets (``?archived=1``: the Archive's), with its filters, as CSV."""
    archived = request.GET.get("archived") == "1"
    tickets, _filters = _listed(request, archived=archived)
    stamp = timezone.localdate().isoformat()
    name = f"{'archive' if archived else 'tickets'}-{stamp}.csv"
    return ticket_csv(tickets, support=request.user.is_support_staff, filename=name)


def _ticket_list(request: AuthenticatedHttpRequest, *, archived: bool) -> HttpResponse:
    """One page of the tickets still being worked, or of the Archive (solved and
    closed), in a fixed number of queries."""
    visible = Ticket.objects.visible_to(request.user)
    tickets, filters = _listed(request, archived=archived)
    category_slug = filters.value("category")
    query = filters.value("q")
    tickets = (
        with_unseen(tickets, request.user)
        .select_related("category", "requester", "organization")
        .defer(*LIST_DEFERRED)
        .order_by(*filters.ordering())
    )
    known = None
    if not (query or category_slug):
        # The whole tab's size is kept in the counters: no count of the rows.
        counts = organization_counts(request)
        known = sum(counts[s] for s in (ARCHIVED_STATUSES if archived else WORKED_STATUSES))
    paginator = BoundedPaginator(
        tickets,
        settings.HELPDESK_PAGE_SIZE,
        known_count=known,
        cap=count_cap(),
        # Estimates come from every organisation's statistics: support's lists only.
        estimate=bool(query) and request.user.is_support_staff,
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if archived:
        # A solved ticket shows when it closes by itself unless someone replies.
        for ticket in rows:
            ticket.closes_at = workflow.auto_close_deadline(ticket)

    filtering = bool(query or category_slug)
    # Seed 002: someone whose organisation has no ticket at all sees the form.
    first_ticket_form = None
    if (
        not archived
        and not filtering
        and not request.user.is_support_staff
        and page.paginator.count == 0
        and not visible.exists()
    ):
        first_ticket_form = TicketCreateForm()

    sort = filters.value("sort") or "-updated"
    return render(
        request,
        "tickets/list.html",
        {
            "archived": archived,
            "page": page,
            "tickets": rows,
            "filters": filters,
            "query": query,
            "category_slug": category_slug,
            "categories": Category.objects.filter(is_active=True),
            "sort": sort,
            "filtering": filtering,
            "first_ticket_form": first_ticket_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_support_staff:
        messages.info(request, _("Support opens tickets for customers from the agent workspace."))
        return redirect("tickets:list")
    if request.method == "POST":
        form = TicketCreateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                ticket = services.ticket_open(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Ticket #%(number)s was created.") % {"number": ticket.number}
                )
                return redirect(ticket)
        status = 400
    else:
        # The context link of seed 002: /tickets/new/?category=&product=&resource=
        initial = {
            key: request.GET[key][:200]
            for key in ("category", "product", "resource", "subject")
            if request.GET.get(key)
        }
        form = TicketCreateForm(initial=initial)
        status = 200
    return render(
        request,
        "tickets/create.html",
        {"form": form, "attachment_limits": limits_text()},
        status=status,
    )


@login_required
@require_GET
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    # Marked first: a write pins the rest of the request to the primary (a
    # replica behind it must not mark as seen what the page did not show).
    services.ticket_mark_seen(ticket=ticket, user=request.user)
    return render_ticket_page(request, ticket)


@login_required
@require_GET
def message_link(request: AuthenticatedHttpRequest, number: int, message_id: int) -> HttpResponse:
    """The link in emails: log in first, then land on the message itself."""
    ticket = get_ticket_for(request.user, number)
    message = Message.objects.visible_to(request.user).filter(ticket=ticket, pk=message_id).first()
    if message is None:
        raise Http404("No such message.")
    return redirect(message)


# Seed 001's Close beside Send: the dialog's button (or the page's, without
# JavaScript) sends this value; Close itself sends another, which asks first.
CLOSE_CONFIRMED = "yes"


@login_required
@require_POST
def ticket_reply(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    form = MessageForm(request.POST, request.FILES)
    close = request.POST.get("close", "")
    if form.is_valid() and close and close != CLOSE_CONFIRMED and not ticket.is_closed:
        return render_ticket_page(request, ticket, reply_form=form, confirm_close=True)

    def refused(error: TransitionError) -> HttpResponse:
        current = get_ticket_for(request.user, number)
        if close and current.is_closed:
            # Closed meanwhile: keep the text, in the box that answers a closed ticket.
            messages.error(
                request,
                _(
                    "Ticket #%(number)s was closed meanwhile; your message was not "
                    "sent. Send it below to answer the closed ticket."
                )
                % {"number": current.number},
            )
            body = form.cleaned_data["body"]
            return render_ticket_page(
                request, current, reopen_form=MessageForm(initial={"body": body}), status=409
            )
        messages.error(request, str(error))
        return redirect(current)

    def done(reply: services.Reply) -> HttpResponse:
        _report_reply(request, ticket, reply)
        return redirect(reply.message or reply.ticket)

    return message_posted(
        request,
        ticket,
        form,
        form_name="reply_form",
        post=lambda: services.ticket_reply(
            ticket=ticket,
            author=request.user,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["files"],
            # Seed 001: Send on a ticket that closed meanwhile reopens it
            # (or opens a follow-up), decided under the ticket's lock.
            reopen_closed=True,
            close=bool(close),
        ),
        done=done,
        refused=refused,
    )


def _report_reply(request: AuthenticatedHttpRequest, ticket: Ticket, reply: services.Reply) -> None:
    if reply.closed:
        messages.success(
            request,
            _("Your message was sent. Ticket #%(number)s was closed and moved to the Archive.")
            % {"number": ticket.number},
        )
    elif reply.followed_up:
        messages.success(
            request,
            _(
                "Ticket #%(number)s stays closed; your message opened "
                "follow-up ticket #%(follow_up)s."
            )
            % {"number": ticket.number, "follow_up": reply.ticket.number},
        )
    elif reply.reopened:
        messages.success(request, _("Ticket #%(number)s was reopened.") % {"number": ticket.number})
    else:
        messages.success(request, _("Your message was sent."))


@login_required
@require_http_methods(["GET", "POST"])
def ticket_close(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """GET asks for confirmation (the page without JavaScript); POST closes."""
    ticket = get_ticket_for(request.user, number)
    if request.method == "GET":
        return render(request, "tickets/close_confirm.html", {"ticket": ticket})
    try:
        services.ticket_close(ticket=ticket, actor=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Ticket #%(number)s was closed and moved to the Archive.")
            % {"number": ticket.number},
        )
    return redirect(ticket)


@login_required
@require_POST
def ticket_reopen(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    form = MessageForm(request.POST, request.FILES)

    def done(reply: services.Reply) -> HttpResponse:
        _report_reply(request, ticket, reply)
        return redirect(reply.ticket)

    return message_posted(
        request,
        ticket,
        form,
        form_name="reopen_form",
        post=lambda: services.ticket_reopen(
            ticket=ticket,
            actor=request.user,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["files"],
        ),
        done=done,
    )


@login_required
@require_POST
def ticket_reference(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    form = ReferenceForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_set_reference(
                ticket=ticket,
                actor=request.user,
                internal_reference=form.cleaned_data["internal_reference"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Internal reference saved."))
            return redirect(ticket)
    return render_ticket_page(request, ticket, reference_form=form, status=400)
