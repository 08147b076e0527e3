"""On PostgreSQL a kept connection prepares the statements it runs again and
again, so the planner's work (1.4 ms for the ticket page's six-table join) is
done once; a deployment behind a transaction-mode pooler turns it off."""

import pytest
from django.db import connection

from helpdesk.settings_parts.databases import _parse
from tickets.models import Ticket

URL = "postgres://postgres@127.0.0.1:5432/x"


def test_postgres_connections_bind_server_side_and_prepare_unless_turned_off(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = _parse(URL)["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5

    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    options = _parse(URL)["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
    assert "server_side_binding" not in (_parse("sqlite:///x.sqlite3").get("OPTIONS") or {})


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_run_again_is_prepared_on_the_server(alice, make_ticket):
    ticket = make_ticket(alice)
    for _ in range(6):
        found = (
            Ticket.objects.select_related("organization", "requester").filter(pk=ticket.pk).first()
        )
        assert found == ticket
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "tickets_ticket" INNER JOIN "accounts_organization"%'],
        )
        assert cursor.fetchone()[0] >= 1
