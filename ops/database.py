"""What every new database connection of ours sets up first."""

from __future__ import annotations

from django.conf import settings
from django.db.backends.signals import connection_created


def _jit_off(sender, connection, **kwargs) -> None:
    """Short web queries never repay PostgreSQL's JIT compilation, which a
    mis-estimated plan can trigger (settings.DATABASE_JIT). A plain ``SET`` when
    the connection opens, not a startup parameter: a pooler such as PgBouncer
    refuses unknown startup parameters, and a kept connection pays it once."""
    if connection.vendor != "postgresql" or settings.DATABASE_JIT:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")


def connect() -> None:
    connection_created.connect(_jit_off, dispatch_uid="ops.database.jit_off")
