"""What users see with a paused streaming replica (run by test_replica.py).

    DATABASE_URL=<primary> DATABASE_REPLICA_URL=<replica> \\
        python -m tests.ops.replica_scenario

Run in a process of its own, since the databases are the test's private
clusters, not the suite's. Sets up a desk on the primary, waits until the
replica has it, pauses the replica's replay (so it is as far behind as a
replica can be), then acts as the users and prints what each saw as JSON.
Then it lets the replica fall behind the allowed lag, resumes it, stops it
between requests and in the middle of one (``REPLICA_FOLDER``: the replica's
cluster, to stop and start it), and records which server answered.
test_replica.py asserts on it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from accounts.tokens import token_create  # noqa: E402
from ops.replica import replica_forget, replica_health  # noqa: E402
from ops.services import heartbeat_record, readiness  # noqa: E402
from tests.pgcluster import PostgresServer  # noqa: E402
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


def served_by(request) -> tuple[object, dict[str, int]]:
    """``request()``'s answer, and how many ticket queries each server ran for it."""
    counts = {"default": 0, "replica": 0}

    def counting(alias: str):
        def wrapper(execute, sql, params, many, context):
            counts[alias] += "tickets_ticket" in sql
            return execute(sql, params, many, context)

        return wrapper

    # What a real server does as each request starts (the test client does
    # not): kept connections are health-checked again at their next use.
    close_old_connections()
    with (
        connections["default"].execute_wrapper(counting("default")),
        connections["replica"].execute_wrapper(counting("replica")),
    ):
        answer = request()
    return answer, counts


def probe_interval() -> None:
    """Long enough that the next request probes the replica's health again."""
    time.sleep(float(os.environ["HELPDESK_REPLICA_CHECK_SECONDS"]) + 0.2)


def ready_answer(client: Client) -> dict:
    response = client.get("/healthz/ready")
    return {"status": response.status_code, **response.json()}


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
    # While it is behind by less than the allowed lag, the replica is read.
    within_lag = override_settings(HELPDESK_REPLICA_MAX_LAG_SECONDS=3600)
    within_lag.enable()
    replica_forget()

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

    seen["readiness_within_lag"] = readiness(["replica"])
    within_lag.disable()

    # Past HELPDESK_REPLICA_MAX_LAG_SECONDS, at the next probe: reads go to the
    # primary, and the process is still ready, the replica "degraded".
    heartbeat_record()  # as the worker would; the readiness view checks it
    probe_interval()
    page, seen["bob_page_lagging_served_by"] = served_by(lambda: bob_browser.get("/tickets/"))
    seen["bob_page_lagging"] = subjects(page)
    seen["bob_api_lagging"] = api_subjects(Client(), bob_token)
    seen["ready_lagging"] = ready_answer(Client())

    scalar("replica", "SELECT pg_wal_replay_resume()::text")
    replica_caught_up()
    probe_interval()
    page, seen["bob_page_after_resume_served_by"] = served_by(lambda: bob_browser.get("/tickets/"))
    seen["bob_page_after_resume"] = subjects(page)
    seen["ready_after_resume"] = ready_answer(Client())

    stopped_and_restarted(seen, bob_browser, bob_token)
    print(json.dumps(seen))


def stopped_and_restarted(seen: dict, bob_browser: Client, bob_token: str) -> None:
    """The replica stops between two requests, and then in the middle of one."""
    replica = PostgresServer.attach(
        Path(os.environ["REPLICA_FOLDER"]), urlsplit(os.environ["DATABASE_REPLICA_URL"]).port
    )
    # The last probe said "ok" and is still fresh: the request finds out itself.
    replica.stop()
    seen["health_kept_when_stopped"] = replica_health().usable
    page, seen["bob_page_replica_stopped_served_by"] = served_by(
        lambda: bob_browser.get("/tickets/")
    )
    seen["bob_page_replica_stopped"] = {"status": page.status_code, "subjects": subjects(page)}
    seen["bob_api_replica_stopped"] = api_subjects(Client(), bob_token)
    seen["ready_replica_stopped"] = ready_answer(Client())

    replica.start()
    replica_caught_up()
    probe_interval()
    _, seen["bob_page_restarted_served_by"] = served_by(lambda: bob_browser.get("/tickets/"))

    # Now it stops after the request chose it, before its first ticket query.
    stops: list[str] = []

    def stop_first(execute, sql, params, many, context):
        if not stops:
            stops.append(sql)
            replica.stop()
        return execute(sql, params, many, context)

    close_old_connections()
    with connections["replica"].execute_wrapper(stop_first):
        page = bob_browser.get("/tickets/")
    seen["bob_page_replica_died_mid_request"] = {
        "status": page.status_code,
        "subjects": subjects(page),
        "replica_stopped": len(stops),
    }
    seen["ready_after_death"] = ready_answer(Client())


if __name__ == "__main__":
    main()
