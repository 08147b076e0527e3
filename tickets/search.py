"""Ticket search over what a user may see (the queryset passed in is already scoped).

On PostgreSQL it is full-text search against GIN expression indexes on
``search_document`` (migration 0002) and, for support staff only,
``notes_document`` (migration 0004); elsewhere a case-insensitive match of
every word. Customers' searches never look at internal notes.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Expression, Q, QuerySet

# The exact expression of the indexes: a query must repeat it to the letter
# for PostgreSQL to use them, so the configuration is fixed.
SEARCH_CONFIG = "english"
TSVECTOR_SQL = "to_tsvector('{config}'::regconfig, {column})"


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
        vector = TSVECTOR_SQL.format(config=self.config, column=f'{table}."{self.column}"')
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
