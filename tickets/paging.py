"""Pages of long lists without counting a million rows.

A list's size comes from the kept counters when they can tell it (the
unfiltered views, the API list narrowed by status or organisation only);
otherwise a filtered list is counted no further than
``HELPDESK_LIST_COUNT_CAP`` rows (1,000), so a broad filter over every
organisation costs a bounded count, and the page says "1000+"
(``BoundedPaginator.capped``).

A full-text search is not counted at all when it matches many: even a bounded
count reads a thousand matches' vectors, most of a search page's time. On
PostgreSQL the planner's estimate stands in ("about 12,000",
``BoundedPaginator.estimated``), from the statistics of the search vectors;
below ``HELPDESK_SEARCH_EXACT_BELOW`` estimated matches the count is exact
(bounded) as before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def count_cap() -> int:
    return settings.HELPDESK_LIST_COUNT_CAP


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of how many rows ``queryset`` has (PostgreSQL; no
    row is read), or None where there is no planner to ask."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    # Only the keys: the rows' joins and "unseen" subqueries change no estimate
    # but cost the planner several times the plan of the match itself.
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    """Told its count (``known_count``), or counting at most ``cap`` rows and one
    more; with ``estimate``, a large result's count is the planner's estimate."""

    object_list: QuerySet  # always a queryset here: it is counted and sliced in SQL

    def __init__(
        self,
        *args,
        known_count: int | None = None,
        cap: int | None = None,
        estimate: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._known_count = known_count
        self.cap = cap
        self.estimate = estimate
        self.estimated = False

    @cached_property
    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        if self.estimate:
            guess = estimated_count(self.object_list)
            if guess is not None and guess >= settings.HELPDESK_SEARCH_EXACT_BELOW:
                self.estimated = True
                return guess
        if self.cap is None:
            return super().count
        # Only the keys: a count need not compute the rows' annotations (the
        # "unseen" subqueries of every list).
        return min(self.object_list.order_by().values("pk")[: self.cap + 1].count(), self.cap)

    @cached_property
    def capped(self) -> bool:
        """Whether there are more rows than ``count`` says (it stopped at the cap)."""
        if (
            self._known_count is not None
            or self.cap is None
            or self.count < self.cap
            or self.estimated
        ):
            return False
        return self.object_list.order_by()[self.cap : self.cap + 1].exists()
