"""Pages of long lists without counting a million rows.

A list's size comes from the kept counters when they can tell it (the
unfiltered views, the API list narrowed by status or organisation only);
otherwise a filtered list is counted no further than
``HELPDESK_LIST_COUNT_CAP`` rows (1,000), so a broad search over every
organisation costs a bounded count, and the page says "1000+"
(``BoundedPaginator.capped``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


def count_cap() -> int:
    return settings.HELPDESK_LIST_COUNT_CAP


class BoundedPaginator(Paginator):
    """Told its count (``known_count``), or counting at most ``cap`` rows and one more."""

    object_list: QuerySet  # always a queryset here: it is counted and sliced in SQL

    def __init__(self, *args, known_count: int | None = None, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = known_count
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        if self.cap is None:
            return super().count
        return min(self.object_list.order_by()[: self.cap + 1].count(), self.cap)

    @cached_property
    def capped(self) -> bool:
        """Whether there are more rows than ``count`` says (it stopped at the cap)."""
        if self._known_count is not None or self.cap is None or self.count < self.cap:
            return False
        return self.object_list.order_by()[self.cap : self.cap + 1].exists()
