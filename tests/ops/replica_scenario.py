"""What users see with a paused streaming replica (run by test_replica.py).

    DATABASE_URL=<primary> DATABASE_REPLICA_URL=<replica> \\
        python -m tests.ops.replica_scenario

Run in a process of its own, since the databases are the test's private
clusters, not the suite's. Sets up a desk on the primary, waits until the
replica has it, pauses the replica's replay (so it is as far behind as a
replica can be), then acts as the users and prints what each saw as JSON.
test_replica.py asserts on it.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from accounts.tokens import token_create  # noqa: E402
from ops.services import readiness  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Category, Ticket  # noqa: E402

PASSWORD = "replica-scenario-password"


def scalar(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def replica_caught_up(timeout: float = 30) -> None:
    target = scalar("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scalar("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    sys.exit("the replica did not catch up")


def subjects(response) -> list[str]:
    return sorted(
        subject
        for subject in ("Printer jams", "Written while the replica lags")
        if subject in response.content.decode()
    )


def api_subjects(client: Client, token: str) -> list[str]:
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {token}")
    return sorted(row["subject"] for row in response.json()["results"])


def main() -> None:
    call_command("migrate", verbosity=0)
    cache.clear()  # no pin left from an earlier run
    category = Category.objects.create(name="Technical issue", slug="technical", order=1)
    acme = Organization.objects.create(name="Acme", alias="ACME")
    alice = User.objects.create_user(
        "alice@acme.example", PASSWORD, full_name="Alice", role=User.Role.ADMIN, organization=acme
    )
    bob = User.objects.create_user(
        "bob@acme.example", PASSWORD, full_name="Bob", role=User.Role.MEMBER, organization=acme
    )
    services.ticket_open(
        actor=alice, subject="Printer jams", description="Tray 2.", category=category
    )
    alice_token = token_create(user=alice, name="scenario")[1]
    bob_token = token_create(user=bob, name="scenario")[1]
    bob_browser = Client()
    bob_browser.force_login(bob)  # a session written long ago: on both servers
    # Bob's script has run before (a token records its use at most once a minute,
    # and a request that writes that record reads the primary from then on).
    seen: dict = {"bob_api_first_use": api_subjects(Client(), bob_token)}
    time.sleep(int(os.environ["DATABASE_REPLICA_PIN_SECONDS"]) + 0.2)  # that pin ends
    replica_caught_up()
    seen["readiness"] = readiness(["database", "replica"])

    scalar("replica", "SELECT pg_wal_replay_pause()::text")
    seen["replica_paused"] = scalar("replica", "SELECT pg_is_wal_replay_paused()")

    # Alice logs in now: her session exists on the primary only.
    alice_browser = Client()
    login = alice_browser.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    seen["alice_login_status"] = login.status_code
    seen["alice_pinned_by_cookie"] = "helpdesk_primary" in login.cookies
    page = alice_browser.get("/tickets/")
    seen["alice_after_login"] = {"status": page.status_code, "subjects": subjects(page)}

    # Alice's script writes a ticket through the API, then reads the list.
    api = Client()
    created = api.post(
        "/api/v1/tickets/",
        {"category": "technical", "subject": "Written while the replica lags", "description": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {alice_token}",
    )
    seen["api_create_status"] = created.status_code
    seen["alice_api_after_write"] = api_subjects(Client(), alice_token)

    # Bob wrote nothing: his reads come from the paused replica.
    seen["bob_page_while_paused"] = subjects(bob_browser.get("/tickets/"))
    seen["bob_api_while_paused"] = api_subjects(Client(), bob_token)
    # Outside a request (a worker, a command) reads are always the primary's.
    seen["outside_request"] = Ticket.objects.filter(
        subject="Written while the replica lags"
    ).exists()

    seen["readiness_while_behind"] = readiness(["replica"])

    scalar("replica", "SELECT pg_wal_replay_resume()::text")
    replica_caught_up()
    seen["bob_page_after_resume"] = subjects(bob_browser.get("/tickets/"))
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
