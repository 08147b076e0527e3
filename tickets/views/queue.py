"""The agent queue: one list across every organisation, its views, counts,
filters and the columns each agent chose (issue 20's dense layout)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.preferences import (
    QUEUE_COLUMNS,
    queue_columns_for,
    user_set_available,
    user_set_queue_columns,
)
from accounts.requests import AuthenticatedHttpRequest
from accounts.selectors import support_staff
from tickets import services
from tickets.agent_forms import BulkForm
from tickets.counters import counts_by_state
from tickets.exports import message_csv, ticket_csv
from tickets.filters import QueueFilter
from tickets.html import options
from tickets.models import Category, Status, Tag, Ticket
from tickets.paging import BoundedPaginator, count_cap
from tickets.queues import QUEUE_VIEWS, UNSOLVED
from tickets.selectors import with_unseen
from tickets.services.macros import is_support_admin
from tickets.services.saved_views import shown_count
from tickets.sla.states import breaching_soon
from tickets.views.bulk_selection import selection_take
from tickets.views.common import safe_next, support_only
from tickets.views.queue_rows import queue_rows

# What a queue row shows (tickets.views.queue_rows) and its "new" mark reads: a
# row loads a dozen columns of four tables instead of every column of each.
QUEUE_ROW_FIELDS = (
    "subject",
    "priority",
    "status",
    "created_at",
    "updated_at",
    "sla_due",
    "customer_activity_at",
    "organization__name",
    "organization__alias",
    "requester__full_name",
    "assignee__full_name",
    "category__name",
)


def queue_counts(user: User) -> dict[str, int]:
    """The sidebar's numbers in three small queries, whatever the size of the tickets table.

    Everything comes from the kept counters but Mine, which counts one
    agent's unsolved tickets through the assignee index, and Breaching soon,
    which counts the few tickets due within the hour through the due index.
    """
    states = counts_by_state()
    by_status = {
        status: states[(status, False)] + states[(status, True)] for status in Status.values
    }
    return {
        "unassigned": sum(states[(status, False)] for status in UNSOLVED),
        "mine": Ticket.objects.visible_to(user).filter(assignee=user, status__in=UNSOLVED).count(),
        # Counted through the due index, at most to the cap ("1000+"): a desk
        # far behind must not count every overdue ticket on every page.
        "breaching": (
            Ticket.objects.visible_to(user)
            .filter(breaching_soon(timezone.now()))
            .order_by()[: count_cap() + 1]
            .count()
        ),
        "active": sum(n for status, n in by_status.items() if status != Status.CLOSED),
        "waiting": by_status[Status.WAITING],
        "solved": by_status[Status.SOLVED],
        "closed": by_status[Status.CLOSED],
    }


def _shown(view: str, count: int) -> int | str:
    """A view's count as shown: Breaching soon stops counting at the cap ("1000+")."""
    return f"{count_cap()}+" if view == "breaching" and count > count_cap() else count


@login_required
@support_only
@require_GET
def queue(request: AuthenticatedHttpRequest, view: str = "unassigned") -> HttpResponse:
    if view not in QUEUE_VIEWS:
        return redirect("agent:queue", view="unassigned")
    user = request.user
    title, condition = QUEUE_VIEWS[view]
    query: QueryDict = request.GET
    if view == "breaching" and not query.get("sort"):
        query = request.GET.copy()
        query["sort"] = "due"  # the most urgent first
    filters = QueueFilter(
        query,
        queryset=Ticket.objects.visible_to(user).filter(condition(user)),
        request=request,
    )
    tickets = (
        with_unseen(filters.qs, user)
        .select_related("organization", "requester", "assignee", "category")
        .only(*QUEUE_ROW_FIELDS)
    )

    columns = queue_columns_for(user)
    if "tags" in columns:
        tickets = tickets.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    counts = queue_counts(user)
    filtering = filters.is_narrowing()
    capped = view == "breaching" and counts[view] > count_cap()
    known = None if filtering or capped else counts[view]
    # Filtered, the count stops at HELPDESK_LIST_COUNT_CAP ("1,000+"): a broad search across
    # every organisation must not count all its matches to show 25.
    paginator = BoundedPaginator(
        tickets,
        settings.HELPDESK_PAGE_SIZE,
        known_count=known,
        cap=count_cap(),
        estimate=bool(filters.form.cleaned_data.get("q")) if filters.is_valid() else False,
    )
    page = paginator.get_page(request.GET.get("page"))
    saved, save_query = _saved_views(user, view, request.GET)
    now = timezone.now()  # one instant for every relative age on the page ("3 h ago")
    agents = list(support_staff().values_list("pk", "email", "full_name"))
    kept = selection_take(request) or {
        "tickets": [],
        "action": "",
        "assignee": "",
        "priority": "",
        "tags": "",
    }
    return render(
        request,
        "agent/queue.html",
        {
            "view": view,
            "title": title,
            "views": [
                (key, label, _shown(key, counts[key]))
                for key, (label, _unused) in QUEUE_VIEWS.items()
            ],
            "page": page,
            "tickets": page.object_list,
            "rows": queue_rows(page.object_list, columns, now),
            "filters": filters.form,
            "sort": filters.sort_key(),
            "filtering": filtering,
            "assignee_filter_options": options(
                ((email, name) for _, email, name in agents),
                filters.form["assignee"].value() if "assignee" in filters.form.fields else None,
            ),
            "assign_options": options(((pk, name) for pk, _, name in agents), kept["assignee"]),
            "kept": kept,
            "categories": Category.objects.filter(is_active=True),
            "statuses": Status.choices,
            "bulk_actions": BulkForm.ACTIONS,
            "columns": columns,
            "column_choices": QUEUE_COLUMNS.items(),
            "saved_views": saved,
            "saved_current": any(row["current"] for row in saved),
            # What "Save this view" keeps: shown once the queue is filtered or sorted.
            "save_query": save_query,
            "can_share_views": is_support_admin(user),
            "auto_assign": settings.HELPDESK_AUTO_ASSIGN != "off",
        },
    )


def _saved_views(user: User, view: str, query: QueryDict) -> tuple[list[dict], str | None]:
    """The sidebar's saved views with their counts (one query for the list, one
    bounded count for each of the first few not in the cache), which one this
    page is, and the query "Save this view" would keep (None: nothing to save)."""
    views = services.saved_views_of(user)
    counts = services.saved_view_counts(user, views)
    try:
        here = services.saved_view_query(actor=user, base=view, query=query)
    except ValidationError:
        here = None
    rows = [
        {
            "pk": saved.pk,
            "name": saved.name,
            "shared": saved.is_shared,
            "url": services.saved_view_url(saved),
            "count": shown_count(counts.get(saved.pk)),
            "current": saved.base == view and saved.query == here,
        }
        for saved in views
    ]
    return rows, here if here and not any(row["current"] for row in rows) else None


@login_required
@support_only
@require_GET
def queue_export(request: AuthenticatedHttpRequest, view: str) -> StreamingHttpResponse:
    """The queue view's tickets with its filters, as CSV; ``?what=messages`` gives
    their messages, internal notes included (support admins only)."""
    if view not in QUEUE_VIEWS:
        raise Http404("No such queue.")
    user = request.user
    _title, condition = QUEUE_VIEWS[view]
    filters = QueueFilter(
        request.GET,
        queryset=Ticket.objects.visible_to(user).filter(condition(user)),
        request=request,
    )
    stamp = timezone.localdate().isoformat()
    if request.GET.get("what") == "messages":
        if not user.is_staff:
            raise Http404("Messages are exported by support admins.")
        return message_csv(filters.qs, filename=f"messages-{view}-{stamp}.csv")
    return ticket_csv(filters.qs, support=True, filename=f"tickets-{view}-{stamp}.csv")


@login_required
@support_only
@require_POST
def queue_columns(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save which optional columns the agent's queue shows, then go back to the queue."""
    user_set_queue_columns(user=request.user, columns=request.POST.getlist("columns"))
    messages.success(request, _("Columns saved."))
    return redirect(safe_next(request, request.POST.get("next")))


@login_required
@support_only
@require_POST
def queue_availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Whether the agent takes new tickets from the automatic assignment (issue 18)."""
    available = user_set_available(
        user=request.user, available=request.POST.get("available") == "1"
    )
    if available:
        messages.success(request, _("You are available for new tickets."))
    else:
        messages.success(request, _("You no longer receive new tickets automatically."))
    return redirect(safe_next(request, request.POST.get("next")))
