"""Keyset (cursor) pages: the next page starts after the last row seen.

An offset page makes the database read and throw away every row before it;
page 400 of a million-ticket list reads 10,000 rows. A keyset page asks for
the rows after the last one shown, in the list's own order, so every page
costs what the first does (an index range scan), and a list that changes
between pages neither repeats nor skips a row.

A cursor names the ordering, the direction and the last row's values, signed
so a client can hand it back but not forge it; it says nothing another user
could not see (the rows are still read through the caller's own queryset).
It may also carry the list's count as the first page gave it, with the
``scope`` (a digest of who asked and with which filters) it holds for, so
later pages do not count a filtered million rows again; another caller's or
another filter's cursor is counted afresh.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "tickets.keyset"


class BadCursor(ValueError):
    """A cursor this list did not give, or one of another ordering."""


@dataclass(frozen=True)
class Cursor:
    values: tuple[Any, ...]  # the boundary row's value of each ordering field
    backwards: bool = False  # rows before the boundary (the previous page)
    count: int | None = None  # the list's count as its first page gave it
    scope: str = ""  # whose list, with which filters, ``count`` is of

    def encode(self, ordering: tuple[str, ...]) -> str:
        values = [v.isoformat() if isinstance(v, datetime.datetime) else v for v in self.values]
        data: dict[str, Any] = {"o": list(ordering), "v": values, "b": self.backwards}
        if self.count is not None:
            data |= {"c": self.count, "s": self.scope}
        return signing.dumps(data, salt=SALT, compress=True)

    def count_for(self, scope: str) -> int | None:
        """The carried count if it is of the list ``scope`` names, else None."""
        return self.count if self.scope == scope else None

    @classmethod
    def decode(cls, text: str, ordering: tuple[str, ...]) -> Cursor:
        try:
            data = signing.loads(text, salt=SALT)
        except signing.BadSignature as error:
            raise BadCursor("Not a cursor this list gave.") from error
        if data.get("o") != list(ordering) or len(data.get("v", [])) != len(ordering):
            raise BadCursor("This cursor belongs to another ordering; start from the first page.")
        count = data.get("c")
        return cls(
            values=tuple(data["v"]),
            backwards=bool(data.get("b")),
            count=count if isinstance(count, int) else None,
            scope=str(data.get("s", "")),
        )


def _after(ordering: tuple[str, ...], values: tuple[Any, ...], backwards: bool) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (before, going backwards).

    Written as the leading column's bound (which an index scan starts from)
    and the lexicographic comparison of the rest.
    """

    def beyond(field: str) -> str:
        descending = field.startswith("-")
        return "lt" if descending != backwards else "gt"

    names = [field.lstrip("-") for field in ordering]
    ties: list[Q] = []
    branches: list[Q] = []
    for name, field, value in zip(names, ordering, values, strict=True):
        tied = reduce(lambda a, b: a & b, ties, Q())
        branches.append(tied & Q(**{f"{name}__{beyond(field)}": value}))
        ties.append(Q(**{name: value}))
    lead = names[0]
    lead_bound = Q(**{f"{lead}__{beyond(ordering[0])}e": values[0]})
    return lead_bound & reduce(lambda a, b: a | b, branches)


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def keyset_page(
    queryset: QuerySet, cursor: Cursor | None, size: int
) -> tuple[list, Cursor | None, Cursor | None]:
    """One page of ``queryset`` (ordered, ending in a unique field) from ``cursor``.

    Returns the rows and the cursors of the next and the previous page (None
    where there is none).
    """
    ordering = tuple(str(field) for field in queryset.query.order_by)
    names = [field.lstrip("-") for field in ordering]
    rows_query = queryset
    if cursor is not None:
        rows_query = rows_query.filter(_after(ordering, cursor.values, cursor.backwards))
        if cursor.backwards:
            rows_query = rows_query.order_by(*(_flip(field) for field in ordering))
    rows = list(rows_query[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if cursor is not None and cursor.backwards:
        rows.reverse()

    def key(row) -> tuple[Any, ...]:
        return tuple(getattr(row, name) for name in names)

    if not rows:
        return rows, None, None
    going_back = cursor is not None and cursor.backwards
    has_next = more if not going_back else True
    has_previous = (cursor is not None) if not going_back else more
    next_cursor = Cursor(key(rows[-1])) if has_next else None
    previous_cursor = Cursor(key(rows[0]), backwards=True) if has_previous else None
    return rows, next_cursor, previous_cursor
