"""Ticket search over what a user may see (the queryset passed in is already scoped).

On PostgreSQL it is full-text search against the stored vectors of
``search_document`` and, for support staff only, ``notes_document``
(generated columns ``search_vector`` and ``notes_vector`` with GIN indexes,
migration 0011: computed once at write time, never per row searched);
elsewhere a case-insensitive match of every word. Customers' searches never
look at internal notes.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Expression, Q, QuerySet

# The configuration the stored vectors were built with (migration 0011).
SEARCH_CONFIG = "english"
# Each searched text and its stored vector, on PostgreSQL.
VECTORS = {"search_document": "search_vector", "notes_document": "notes_vector"}


class FullTextMatch(Expression):
    """``column`` matches a web-style query (quotes, OR, -word)."""

    output_field = BooleanField()

    def __init__(self, query: str, *, column: str, config: str = SEARCH_CONFIG) -> None:
        super().__init__()
        self.query = query
        self.column = column
        self.config = config

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias("tickets_ticket")
        vector = f'{table}."{VECTORS[self.column]}"'
        sql = f"{vector} @@ websearch_to_tsquery('{self.config}'::regconfig, %s)"
        return sql, [self.query]


def _matches(column: str, query: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(FullTextMatch(query, column=column))
    words = Q()
    for word in query.split():
        words &= Q(**{f"{column}__icontains": word})
    return words


def search_tickets(queryset: QuerySet, query: str, *, include_notes: bool = False) -> QuerySet:
    """Tickets of ``queryset`` that match ``query``; ``include_notes`` is for support staff."""
    query = (query or "").strip()
    if not query:
        return queryset
    number = query.lstrip("#")
    condition = _matches("search_document", query)
    if number.isdigit() and len(number) < 12:
        condition |= Q(pk=int(number))
    if include_notes:
        condition |= _matches("notes_document", query)
    return queryset.filter(condition)
