"""Ticket search over what a user may see (the queryset passed in is already scoped).

On PostgreSQL it is full-text search against a GIN expression index on
``search_document`` (migration 0002); elsewhere a case-insensitive match of
every word. Internal notes are never in ``search_document``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Expression, Q, QuerySet

# The exact expression of the index in migration 0002: a query must repeat it
# to the letter for PostgreSQL to use the index, so the configuration is fixed.
SEARCH_CONFIG = "english"
TSVECTOR_SQL = "to_tsvector('{config}'::regconfig, {column})"


class FullTextMatch(Expression):
    """``search_document`` matches a web-style query (quotes, OR, -word)."""

    output_field = BooleanField()

    def __init__(self, query: str, *, config: str) -> None:
        super().__init__()
        self.query = query
        self.config = config

    def as_sql(self, compiler, connection):
        column = f'{compiler.quote_name_unless_alias("tickets_ticket")}."search_document"'
        vector = TSVECTOR_SQL.format(config=self.config, column=column)
        sql = f"{vector} @@ websearch_to_tsquery('{self.config}'::regconfig, %s)"
        return sql, [self.query]


def search_tickets(queryset: QuerySet, query: str) -> QuerySet:
    query = (query or "").strip()
    if not query:
        return queryset
    number = query.lstrip("#")
    by_number = Q(pk=int(number)) if number.isdigit() and len(number) < 12 else Q(pk__in=[])
    if connection.vendor == "postgresql":
        match = FullTextMatch(query, config=SEARCH_CONFIG)
        return queryset.filter(match | by_number)
    words = Q()
    for word in query.split():
        words &= Q(search_document__icontains=word)
    return queryset.filter(words | by_number)
