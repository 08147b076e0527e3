"""Prepared statements on PostgreSQL are an opt-in (DATABASE_PREPARED_STATEMENTS):
they save the planning of joins, but a generic plan made full-text search 7x
slower at a million tickets, so a deployment turns them on knowingly."""

from helpdesk.settings_parts.databases import _parse

URL = "postgres://postgres@127.0.0.1:5432/x"


def test_prepared_statements_are_off_unless_turned_on(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = _parse(URL)["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options

    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "1")
    options = _parse(URL)["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert "server_side_binding" not in (_parse("sqlite:///x.sqlite3").get("OPTIONS") or {})
