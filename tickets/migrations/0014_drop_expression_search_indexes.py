"""Drop the expression indexes of 0002 and 0004 (issue 15).

Since 0011 every search matches the stored vectors (``search_vector``,
``notes_vector``) through their own GIN indexes; the old indexes over
``to_tsvector(search_document)`` and ``to_tsvector(notes_document)`` were
kept one release so a rollback to the code before 0011 still searched
quickly. Nothing reads them now, yet every write of a ticket's search text
updated them, and they doubled the time to build a desk's indexes.
Dropped concurrently on PostgreSQL; going back builds them again.
"""

from django.db import migrations

INDEXES = {
    "ticket_search_document_fts": "search_document",
    "ticket_notes_document_fts": "notes_document",
}


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def build_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON tickets_ticket "
            f"USING gin (to_tsvector('english'::regconfig, {column}))"
        )


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [("tickets", "0013_ordering_indexes")]

    operations = [migrations.RunPython(drop_indexes, build_indexes)]
