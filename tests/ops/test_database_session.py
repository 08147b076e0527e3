"""Our PostgreSQL sessions run without JIT compilation unless DATABASE_JIT=1:
a small page query whose estimated cost passed the server's threshold spent
47 ms compiling to run for 4 at a million tickets. It is set when a connection
opens, not as a startup parameter, which PgBouncer would refuse."""

import pytest
from django.db import connection, connections

from helpdesk.settings_parts.databases import _parse

pytestmark = pytest.mark.django_db


def _jit_of_a_new_session() -> str:
    """``jit`` as a connection the app opens now (a worker's, say) sees it."""
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            return cursor.fetchone()[0]
    finally:
        fresh.close()


def test_the_sessions_the_app_opens_do_not_compile_queries(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    settings.DATABASE_JIT = False
    assert _jit_of_a_new_session() == "off"
    # Nothing rides on the startup packet: a pooler sees a plain connection.
    assert "options" not in _parse("postgres://postgres@127.0.0.1:5432/x")["OPTIONS"]


def test_a_deployment_may_leave_jit_to_the_server(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reset_val FROM pg_settings WHERE name = 'jit'")
        servers = cursor.fetchone()[0]
    settings.DATABASE_JIT = True
    assert _jit_of_a_new_session() == servers
