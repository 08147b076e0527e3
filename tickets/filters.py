"""Narrowing and ordering a list of tickets: the agent queue's and the API's.

``TicketFilter`` says once what each filter does to the tickets (an account
alias, an assignee or ``none``, a search that reads internal notes for
support only, the orderings) and when a query narrows nothing (a malformed
one). Its subclasses only name and parse their parameters as their callers
always have, so the two lists cannot drift apart:

- ``QueueFilter``, the agent queue: ``?q=``, ``?sort=-priority``, priorities
  as numbers, one status; its form is what ``agent/queue.html`` renders;
- ``tickets.api.filters.ApiTicketFilter``, the API: ``?search=``,
  ``?ordering=-priority``, priorities by name, comma-separated statuses,
  ``archived``, and a 400 naming each malformed parameter.

A filter set only narrows the queryset it is given, which must come from the
tenant door (``Ticket.objects.visible_to(user)``): it never fetches tickets
itself, and customers cannot filter by organisation or assignee.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import alias_normalized
from tickets.models import Priority, Status, Ticket, TicketQuerySet
from tickets.search import search_tickets
from tickets.sla.states import LABELS, state_condition

# Newest update first: every list's default, and what a malformed query gets.
DEFAULT_ORDERING = ("-updated_at", "-pk")
# The orderings both lists offer, by the API's names (the queue's drop the "_at").
ORDERINGS = {
    "updated_at": ("updated_at", "pk"),
    "-updated_at": DEFAULT_ORDERING,
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
    "priority": ("priority", "-updated_at", "-pk"),
    "-priority": ("-priority", "-updated_at", "-pk"),
    # Nearest service-level due time first (or last): only tickets with a
    # target running, so that a keyset page never compares with an empty due.
    "sla_due": ("sla_due", "pk"),
    "-sla_due": ("-sla_due", "-pk"),
}
WITH_DUE = frozenset({"sla_due", "-sla_due"})


class SortFilter(django_filters.Filter):
    """Orders by the ``orderings`` entry its value names; absent, newest update first."""

    field_class = forms.ChoiceField

    def __init__(self, *, orderings: dict[str, tuple[Any, ...]], **kwargs: Any) -> None:
        self.orderings = orderings
        super().__init__(choices=[(key, key) for key in orderings], **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in WITH_DUE:
            qs = qs.filter(sla_due__isnull=False)
        return qs.order_by(*self.orderings.get(value or "", DEFAULT_ORDERING))


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


class TicketFilter(django_filters.FilterSet):
    """What each filter of a ticket list does; subclasses declare the parameters."""

    # Filters a customer may not use: their organisation is the door's to decide,
    # and who in support holds a ticket, or which targets are at risk, is support's business.
    STAFF_ONLY: ClassVar[tuple[str, ...]] = (
        "organization",
        "assignee",
        "sla",
        "sla_state",
        "tag",
    )

    class Meta:
        model = Ticket
        fields: ClassVar[list[str]] = []

    def __init__(
        self, data: QueryDict, *, queryset: QuerySet[Ticket], request: HttpRequest
    ) -> None:
        """``queryset``: what the tenant door gives ``request.user``; it is only narrowed."""
        super().__init__(data, queryset=queryset, request=request)

    def is_valid(self) -> bool:
        """Every parameter parses, and a customer uses no support-only filter.

        That last check comes only once the parameters parse, and names the
        first such filter used.
        """
        if not super().is_valid():
            return False
        if self.request.user.is_support_staff:
            return True
        for name in self.STAFF_ONLY:
            if self.form.cleaned_data.get(name):
                self.form.add_error(name, _("Only support staff can filter by this."))
                return False
        return True

    def filter_queryset(self, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if not self.is_valid():
            # A malformed query narrows nothing (the API refuses it before asking).
            return queryset.order_by(*DEFAULT_ORDERING)
        return super().filter_queryset(queryset)

    def is_narrowing(self) -> bool:
        """Whether a valid query filters by anything (an ordering alone does not)."""
        return self.is_valid() and any(
            value
            for name, value in self.form.cleaned_data.items()
            if not isinstance(self.filters[name], SortFilter)
        )

    def filter_organization(self, tickets: QuerySet, name: str, alias: str) -> QuerySet:
        return tickets.filter(organization__alias=alias_normalized(alias))

    def filter_assignee(self, tickets: QuerySet, name: str, value: str) -> QuerySet:
        email = value.strip().lower()
        if email == "none":
            return tickets.filter(assignee__isnull=True)
        return tickets.filter(assignee__email=email)

    def filter_search(self, tickets: QuerySet, name: str, query: str) -> QuerySet:
        return search_tickets(tickets, query, include_notes=self.request.user.is_support_staff)

    def filter_tag(self, tickets: QuerySet, name: str, tag: str) -> QuerySet:
        """Tickets tagged ``tag`` (as typed: normalised like every tag)."""
        return tickets.filter(tag_links__tag__name=tag.strip().lstrip("#").lower())

    def filter_sla(self, tickets: QuerySet, name: str, state: str) -> QuerySet:
        return tickets.filter(state_condition(state, timezone.now()))

    def filter_archived(self, tickets: TicketQuerySet, name: str, archived: bool) -> QuerySet:
        return tickets.archived() if archived else tickets.active()


# The queue's sort keys: the API's orderings without "_at" ("-updated", "priority"),
# and "due", nearest first, with the tickets owing nothing after them.
QUEUE_SORTS: dict[str, tuple[Any, ...]] = {
    key.removesuffix("_at"): fields for key, fields in ORDERINGS.items() if key not in WITH_DUE
}
QUEUE_SORTS["due"] = (F("sla_due").asc(nulls_last=True), "pk")


class QueueFilter(TicketFilter):
    """The agent queue's filters. A malformed one (a hand-edited URL) drops them all."""

    q = django_filters.CharFilter(method="filter_search", max_length=200)
    organization = django_filters.CharFilter(method="filter_organization", max_length=20)
    status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label=gettext_lazy("Any status")
    )
    priority = django_filters.TypedChoiceFilter(
        choices=[("", gettext_lazy("Any priority")), *Priority.choices], coerce=int
    )
    category = SlugFilter(field_name="category__slug")
    assignee = django_filters.CharFilter(method="filter_assignee", max_length=254)
    tag = django_filters.CharFilter(method="filter_tag", max_length=50)
    sla = django_filters.ChoiceFilter(
        choices=[(state.value, label) for state, label in LABELS.items()],
        empty_label=gettext_lazy("Any SLA state"),
        method="filter_sla",
    )
    sort = SortFilter(orderings=QUEUE_SORTS)

    def sort_key(self) -> str:
        """The sort in force, for the column headers' links."""
        return (self.form.cleaned_data.get("sort") if self.is_valid() else "") or "-updated"
