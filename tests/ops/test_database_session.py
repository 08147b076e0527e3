"""What our PostgreSQL sessions set when they open: no JIT compilation unless
DATABASE_JIT=1 (a small page query whose estimated cost passed the server's
threshold spent 47 ms compiling to run for 4 at a million tickets), and in the
web server a statement timeout, since its threads have no request timeout.
Set after connecting, not as startup parameters, which PgBouncer would refuse."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections

from helpdesk.settings_parts.databases import _parse

pytestmark = pytest.mark.django_db


def _in_a_new_session(sql: str):
    """The first value ``sql`` answers in a connection the app opens now (a
    worker's, say)."""
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    finally:
        fresh.close()


def _jit_of_a_new_session() -> str:
    return _in_a_new_session("SHOW jit")


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


def test_a_web_session_stops_a_runaway_statement(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    settings.DATABASE_STATEMENT_TIMEOUT_SECONDS = 1
    assert _in_a_new_session("SHOW statement_timeout") == "1s"
    with pytest.raises(OperationalError, match="statement timeout"):
        _in_a_new_session("SELECT pg_sleep(3)")
    # Zero leaves it to the server: a worker's export or a rebuild may run long.
    settings.DATABASE_STATEMENT_TIMEOUT_SECONDS = 0
    assert _in_a_new_session("SELECT count(*) FROM pg_sleep(1.2)") == 1


def test_the_web_server_sets_a_statement_timeout_a_deployment_may_change():
    """gunicorn reads gunicorn.conf.py in its master before any worker loads the
    settings; the workers inherit its environment."""
    root = Path(__file__).resolve().parents[2]
    read = (
        "import os, runpy; runpy.run_path('gunicorn.conf.py'); "
        "print(os.environ['DATABASE_STATEMENT_TIMEOUT_SECONDS'])"
    )

    def timeout_with(environ: dict[str, str]) -> str:
        return subprocess.run(
            [sys.executable, "-c", read],
            cwd=root,
            env=environ,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    plain = {k: v for k, v in os.environ.items() if k != "DATABASE_STATEMENT_TIMEOUT_SECONDS"}
    assert timeout_with(plain) == "30"
    assert timeout_with({**plain, "DATABASE_STATEMENT_TIMEOUT_SECONDS": "0"}) == "0"
