"""Stored full-text vectors for search, on PostgreSQL only (SQLite searches by LIKE).

Matching against ``to_tsvector(search_document)`` through an expression index
finds candidates fast, but PostgreSQL recomputes the vector of every candidate
row to check it, and to filter a walk down the updated-at index: at a million
tickets a common word took the agent's search over closed tickets to 90 s.
A generated, stored column is computed once at write time; the GIN indexes
are on it. (Adding it rewrites the table once: minutes at a million tickets.)

The expression indexes of 0002 and 0004 stay for one release, as the upgrade
rules ask (the previous release's code searches through them); a later
release drops them.
"""

from django.db import migrations

COLUMNS = {"search_vector": "search_document", "notes_vector": "notes_document"}


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # One statement, so the table is rewritten once for both columns.
    schema_editor.execute(
        "ALTER TABLE tickets_ticket "
        + ", ".join(
            f"ADD COLUMN IF NOT EXISTS {column} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {source})) STORED"
            for column, source in COLUMNS.items()
        )
    )
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS ticket_{column} ON tickets_ticket USING gin ({column})"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS {column}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_archive_holds_solved")]

    operations = [migrations.RunPython(add_vectors, drop_vectors)]
