"""A GIN index for support's search of internal notes, on PostgreSQL only.

The expression must stay identical to ``tickets.search.TSVECTOR_SQL``.
"""

from django.db import migrations

INDEX = "ticket_notes_document_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket "
        "USING gin (to_tsvector('english'::regconfig, notes_document))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_agent_workspace")]

    operations = [migrations.RunPython(create_index, drop_index)]
