"""Our PostgreSQL sessions run without JIT compilation unless DATABASE_JIT=1:
a small page query whose estimated cost passed the server's threshold spent
47 ms compiling to run for 4 at a million tickets."""

import pytest
from django.db import connection

from helpdesk.settings_parts.databases import _parse

URL = "postgres://postgres@127.0.0.1:5432/x"


@pytest.mark.django_db
def test_the_sessions_the_app_opens_do_not_compile_queries():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_deployment_may_leave_jit_to_the_server(monkeypatch):
    monkeypatch.delenv("DATABASE_JIT", raising=False)
    assert _parse(URL)["OPTIONS"]["options"] == "-c jit=off"

    monkeypatch.setenv("DATABASE_JIT", "1")
    assert "options" not in _parse(URL)["OPTIONS"]
    assert "options" not in (_parse("sqlite:///x.sqlite3").get("OPTIONS") or {})
