"""Helpers shared by test modules: import them from here, never from a conftest.

Fixtures live in the conftest files; plain functions and constants that test
modules call live here.
"""

from __future__ import annotations

import os
import shutil

from django.conf import settings
from django.db import connection
from django.urls import reverse

from tickets import services
from tickets.counters import counters_rebuild
from tickets.models import Status, Ticket
from tickets.workflow import Action

PASSWORD = "a-long-test-password"

# The bucket the S3 tests (moto's server on loopback) store files in.
S3_BUCKET = "helpdesk-test-files"


def can_log_in(
    client, email: str, password: str = PASSWORD, data_extra_token: str = "", **extra
) -> bool:
    """Log in through the real login page (django-axes sees the request) and say if it worked.

    ``data_extra_token`` is the CSRF token, for clients that enforce CSRF checks.
    """
    data = {"username": email, "password": password}
    if data_extra_token:
        data["csrfmiddlewaretoken"] = data_extra_token
    client.post(reverse("login"), data, **extra)
    return "_auth_user_id" in client.session


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def bring_to(ticket: Ticket, status: str, *, agent, customer) -> Ticket:
    """Walk a fresh Open ticket to ``status`` the way people would."""
    if status == Status.OPEN:
        return ticket
    services.ticket_take(ticket=ticket, agent=agent)
    if status == Status.WAITING:
        services.ticket_change_status(ticket=ticket, actor=agent, action=Action.WAIT)
    elif status == Status.SOLVED:
        services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    elif status == Status.CLOSED:
        services.ticket_close(ticket=ticket, actor=customer)
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


def stored_objects() -> set[str]:
    """Every file in storage, whatever its key."""
    root = settings.MEDIA_ROOT
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def bulk_tickets(template: Ticket, count: int) -> None:
    """``count`` more tickets like ``template`` in one statement, statuses spread, a
    minute apart, then the statistics and the counters as after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_ticket (organization_id, subject, description, category_id,
                priority, status, requester_id, internal_reference, channel, product, resource,
                created_at, updated_at, search_document, notes_document)
            SELECT organization_id, 'Bulk ' || g, '', category_id, 1 + g %% 4,
                   (ARRAY['open','closed','closed','closed','solved'])[1 + g %% 5], requester_id,
                   '', 'portal', '', '', now() - make_interval(mins => g),
                   now() - make_interval(mins => g), '', ''
            FROM tickets_ticket, generate_series(1, %s) g WHERE id = %s
            """,
            [count, template.pk],
        )
        cursor.execute("ANALYZE tickets_ticket")
    counters_rebuild()  # as bench/seed.py does after loading rows in bulk


class Explainer:
    """Runs EXPLAIN beside each query of the tickets table, as the query runs."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and '"tickets_ticket"' in sql:
            cursor = context["cursor"]
            cursor.execute("EXPLAIN " + sql, params)
            self.seen.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        return execute(sql, params, many, context)
