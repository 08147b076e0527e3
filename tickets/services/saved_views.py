"""Saved views (issue 18): the one place that writes them, and their live counts.

Who manages what, as for macros: a shared view (no owner) by support admins
only; a personal one by its owner only. Every agent sees the shared ones
and their own (``SavedView.objects.visible_to``); another agent's personal
view is treated as missing (``SavedView.DoesNotExist``), never as forbidden.

A view keeps only the queue's known parameters (``QueueFilter``'s), checked
as the queue checks them and written in one order, so that a hand-edited
URL cannot store anything the queue would not understand, and two ways of
writing the same filters are the same view.

Counts: each saved view's count is a bounded count (at most
``HELPDESK_LIST_COUNT_CAP`` and one more rows, shown "1000+"), or for a
search the planner expects to match many, its estimate ("~12000"); kept
``COUNT_SECONDS`` in the cache (one count for the desk, but Mine's per
agent). The sidebar counts only its first ``COUNTED_IN_SIDEBAR`` views and
stops counting once ``COUNT_BUDGET_SECONDS`` are spent, so a queue page
costs at most that many small queries more, and none while they are cached.
"""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.filters import QueueFilter
from tickets.models import (
    SAVED_VIEW_NAME_MAX_LENGTH,
    SAVED_VIEW_QUERY_MAX_LENGTH,
    SavedView,
    Ticket,
)
from tickets.paging import count_cap, estimated_count
from tickets.queues import QUEUE_VIEWS
from tickets.services.macros import is_support_admin

logger = logging.getLogger(__name__)

# How many personal views one agent keeps, and how many shared ones the desk keeps.
SAVED_VIEWS_PER_AGENT = 30
SHARED_SAVED_VIEWS = 30
# The sidebar counts its first views only; the rest show no number.
COUNTED_IN_SIDEBAR = 10
COUNT_SECONDS = 30
# What counting the sidebar's views may add to a page when none is cached.
COUNT_BUDGET_SECONDS = 0.2
FIELDS = ("name", "base", "query", "position")
# Parameters of the queue that are not filters: never stored.
NOT_STORED = frozenset({"page"})


def saved_view_can_manage(user: User, view: SavedView) -> bool:
    """Shared views are support admins'; a personal one is its owner's alone."""
    if not (user.is_authenticated and user.is_active and user.is_support_staff):
        return False
    if view.is_shared:
        return is_support_admin(user)
    return view.owner_id == user.pk


def saved_view_for(user: User, pk: object) -> SavedView:
    """The view ``pk`` if ``user`` may see it; ``SavedView.DoesNotExist`` otherwise
    (missing, another agent's personal one, or a customer asking)."""
    try:
        number = int(str(pk))
    except ValueError:
        raise SavedView.DoesNotExist("No such view.") from None
    view = SavedView.objects.visible_to(user).filter(pk=number).first()
    if view is None:
        raise SavedView.DoesNotExist("No such view.")
    return view


def saved_views_of(user: User) -> list[SavedView]:
    """``user``'s own views, then the shared ones, each by position and name (one query)."""
    views = list(SavedView.objects.visible_to(user).order_by("position", "name", "pk"))
    return [view for view in views if not view.is_shared] + [v for v in views if v.is_shared]


def _filters(actor: User, base: str, data: QueryDict) -> QueueFilter:
    tickets = Ticket.objects.visible_to(actor).filter(QUEUE_VIEWS[base][1](actor))
    # The filter set reads only ``request.user`` (who may use the staff-only filters).
    request = cast(HttpRequest, SimpleNamespace(user=actor))
    return QueueFilter(data, queryset=tickets, request=request)


def saved_view_query(*, actor: User, base: str, query: QueryDict | str) -> str:
    """The queue parameters of ``query`` worth keeping, checked and in one order.

    Unknown parameters (and the page number) are dropped; an invalid one
    raises ``ValidationError`` on ``query`` naming it and the rule."""
    data = QueryDict(query) if isinstance(query, str) else query
    filters = _filters(actor, base if base in QUEUE_VIEWS else "active", data)
    if not filters.is_valid():
        name, errors = next(iter(filters.form.errors.items()))
        raise ValidationError(
            {
                "query": _("The filter “%(name)s” is not valid: %(error)s")
                % {"name": name, "error": errors[0]}
            }
        )
    kept = [
        (name, (data.get(name) or "").strip())
        for name in filters.filters
        if name not in NOT_STORED and filters.form.cleaned_data.get(name)
    ]
    # The queue's own order (newest update first) is no choice worth keeping,
    # but on Breaching soon, which sorts by due time unless told, it is.
    if base != "breaching":
        kept = [(name, value) for name, value in kept if (name, value) != ("sort", "-updated")]
    return urlencode(kept)


def _cleaned(actor: User, values: dict[str, Any], view: SavedView | None) -> dict[str, Any]:
    """``values`` checked and normalised; one ``ValidationError`` naming every bad field."""
    errors: dict[str, str] = {}
    data = dict(values)
    if "name" in data:
        data["name"] = " ".join((data["name"] or "").split())
        if not data["name"]:
            errors["name"] = _("Name is required.")
        elif len(data["name"]) > SAVED_VIEW_NAME_MAX_LENGTH:
            errors["name"] = _("Name can be at most %(max)d characters.") % {
                "max": SAVED_VIEW_NAME_MAX_LENGTH
            }
    if "base" in data and data["base"] not in QUEUE_VIEWS:
        errors["base"] = _("Choose one of the queue's views: %(views)s.") % {
            "views": ", ".join(QUEUE_VIEWS)
        }
    if "position" in data:
        position = data["position"]
        if not isinstance(position, int) or not 0 <= position <= 1000:
            errors["position"] = _("Position is a whole number from 0 to 1000.")
    if "query" in data or ("base" in data and view is not None):
        base = data.get("base", view.base if view else "active")
        try:
            data["query"] = saved_view_query(
                actor=actor, base=base, query=data.get("query", view.query if view else "")
            )
        except ValidationError as error:
            errors["query"] = error.message_dict["query"][0]
        else:
            if len(data["query"]) > SAVED_VIEW_QUERY_MAX_LENGTH:
                errors["query"] = _("These filters are too long to save.")
    if errors:
        raise ValidationError(errors)
    return data


def _check_name_free(owner: User | None, name: str, view: SavedView | None) -> None:
    same = SavedView.objects.filter(owner=owner, name__iexact=name)
    if view is not None:
        same = same.exclude(pk=view.pk)
    if same.exists():
        raise ValidationError({"name": _("You already have a view with this name.")})


def _lock_for_cap(owner: User | None) -> int:
    """Serialise the creations that count against the same cap, and count.

    A personal view locks its owner's row; a shared one the shared views that
    exist (near the cap there are many to lock). The count comes after the
    lock, in its own statement, so it sees what the previous holder committed.
    """
    if owner is not None:
        list(User.objects.select_for_update(no_key=True).filter(pk=owner.pk).values_list("pk"))
        return SavedView.objects.filter(owner=owner).count()
    list(SavedView.objects.select_for_update().filter(owner__isnull=True).values_list("pk"))
    return SavedView.objects.filter(owner__isnull=True).count()


@transaction.atomic
def saved_view_create(
    *,
    actor: User,
    name: str,
    base: str,
    query: QueryDict | str = "",
    shared: bool = False,
    position: int = 0,
) -> SavedView:
    """A new view: personal to ``actor``, or ``shared`` (support admins only, else
    ``ValidationError`` on ``shared``). Customers: ``PermissionDenied``. Past the
    cap (``SAVED_VIEWS_PER_AGENT``, ``SHARED_SAVED_VIEWS``): ``ValidationError`` on name."""
    if not (actor.is_active and actor.is_support_staff):
        raise PermissionDenied("Saved views are for support staff.")
    if shared and not is_support_admin(actor):
        raise ValidationError({"shared": _("Only support admins can share a view.")})
    data = _cleaned(actor, {"name": name, "base": base, "query": query, "position": position}, None)
    owner = None if shared else actor
    cap = SHARED_SAVED_VIEWS if shared else SAVED_VIEWS_PER_AGENT
    if _lock_for_cap(owner) >= cap:
        raise ValidationError(
            {"name": _("You can keep at most %(max)d views; delete one first.") % {"max": cap}}
        )
    _check_name_free(owner, data["name"], None)
    try:
        with transaction.atomic():
            return SavedView.objects.create(owner=owner, **data)
    except IntegrityError:
        # Another request took the name between our check and our insert.
        raise ValidationError({"name": _("You already have a view with this name.")}) from None


@transaction.atomic
def saved_view_update(*, view: SavedView, actor: User, **changes: Any) -> SavedView:
    """Change some of ``FIELDS``; who may is ``saved_view_can_manage``'s rule
    (``PermissionDenied`` otherwise). Whether it is shared does not change."""
    if not saved_view_can_manage(actor, view):
        raise PermissionDenied("You can't change this view.")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"saved_view_update() got unexpected fields {sorted(unknown)}")
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    data = _cleaned(actor, changes, view)
    if "name" in data:
        _check_name_free(view.owner, data["name"], view)
    fields = [name for name in FIELDS if name in data]
    for name in fields:
        setattr(view, name, data[name])
    view.updated_at = timezone.now()
    try:
        with transaction.atomic():
            view.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        raise ValidationError({"name": _("You already have a view with this name.")}) from None
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: User) -> None:
    if not saved_view_can_manage(actor, view):
        raise PermissionDenied("You can't delete this view.")
    SavedView.objects.filter(pk=view.pk).delete()


def saved_view_url(view: SavedView) -> str:
    """The queue with the view's filters: what opening the view means."""
    url = reverse("agent:queue", kwargs={"view": view.base})
    return f"{url}?{view.query}" if view.query else url


def saved_view_tickets(user: User, view: SavedView) -> QuerySet[Ticket]:
    """The tickets ``view`` shows ``user``, through the tenant door."""
    return _filters(user, view.base, QueryDict(view.query)).qs


def _count_key(user: User, view: SavedView) -> str:
    # A change to the view is a new key: its old count is never shown for it.
    # Support sees every ticket, so only Mine (whose tickets are the agent's)
    # is counted per agent; a shared view is counted once for the whole desk.
    whose = f":{user.pk}" if view.base == "mine" else ""
    return f"saved-view-count:{view.pk}:{view.updated_at.timestamp()}{whose}"


def _count(user: User, view: SavedView) -> int | str:
    """A bounded count (at most cap + 1); a search the planner expects to match
    many is not counted but estimated ("~12000"), as the queue's own list does."""
    tickets = saved_view_tickets(user, view).order_by()
    if "q" in QueryDict(view.query):
        guess = estimated_count(tickets)
        if guess is not None and guess >= settings.HELPDESK_SEARCH_EXACT_BELOW:
            return f"~{guess}"
    return tickets.values("pk")[: count_cap() + 1].count()


def saved_view_counts(user: User, views: list[SavedView]) -> dict[int, int | str]:
    """The counts of the first ``COUNTED_IN_SIDEBAR`` of ``views``, by id.

    Cached ones cost nothing; the others are counted in order until
    ``COUNT_BUDGET_SECONDS`` is spent, so a cold cache adds a bounded time to
    the page (the rest show no count this time, and are counted on the next
    pages as the cache fills)."""
    counted = {_count_key(user, view): view for view in views[:COUNTED_IN_SIDEBAR]}
    try:
        cached = cache.get_many(list(counted))
    except Exception:
        logger.warning("saved view counts: cache unavailable", exc_info=True)
        cached = {}
    fresh: dict[str, int | str] = {}
    started = time.monotonic()
    for key, view in counted.items():
        if key in cached:
            continue
        if fresh and time.monotonic() - started > COUNT_BUDGET_SECONDS:
            break  # one at least, so that every page fills the cache a little
        fresh[key] = _count(user, view)
    if fresh:
        try:
            cache.set_many(fresh, COUNT_SECONDS)
        except Exception:
            logger.warning("saved view counts: cache unavailable", exc_info=True)
    known = {**cached, **fresh}
    return {view.pk: known[key] for key, view in counted.items() if key in known}


def shown_count(count: int | str | None) -> int | str | None:
    """A count as shown: past the cap, "1000+"; an estimate as it is ("~12000")."""
    if isinstance(count, int) and count > count_cap():
        return f"{count_cap()}+"
    return count
