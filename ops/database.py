"""What every new database connection of ours sets up first."""

from __future__ import annotations

from django.conf import settings
from django.db.backends.signals import connection_created


def _session_settings(sender, connection, **kwargs) -> None:
    """What our PostgreSQL sessions set when they open, in one round trip.

    - JIT off (settings.DATABASE_JIT): short web queries never repay its
      compilation, which a mis-estimated plan can trigger.
    - A statement timeout (settings.DATABASE_STATEMENT_TIMEOUT_SECONDS, which
      the web server sets to 30): a threaded worker has no per-request timeout,
      so a runaway query would hold its thread and its connection for ever.

    A plain ``set_config`` after connecting, not a startup parameter: a pooler
    such as PgBouncer refuses unknown startup parameters, and a kept connection
    pays it once."""
    if connection.vendor != "postgresql":
        return
    values: list[tuple[str, str]] = []
    if not settings.DATABASE_JIT:
        values.append(("jit", "off"))
    if settings.DATABASE_STATEMENT_TIMEOUT_SECONDS > 0:
        values.append(("statement_timeout", f"{settings.DATABASE_STATEMENT_TIMEOUT_SECONDS}s"))
    if not values:
        return
    calls = ", ".join("set_config(%s, %s, false)" for _ in values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [part for pair in values for part in pair])


def connect() -> None:
    connection_created.connect(_session_settings, dispatch_uid="ops.database.session_settings")
