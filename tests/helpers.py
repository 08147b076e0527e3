"""Helpers shared by test modules: import them from here, never from a conftest.

Fixtures live in the conftest files; plain functions and constants that test
modules call live here.
"""

from __future__ import annotations

import os
import shutil

from django.conf import settings
from django.urls import reverse

from tickets import services
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
