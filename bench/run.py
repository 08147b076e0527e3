"""The agent-queue and auto-close benchmark (issue 3), on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python -m bench.run [--tickets 200000] [--organizations 500] [--requests 60]

Creates the database if needed, migrates it, seeds it with SQL (bench.seed),
then measures full pages (session, middleware, real templates) in-process
with Django's test client, and the time `autoclose` takes to close 50,000
due tickets. Prints a table and writes bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"


def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 60)
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SESSION_COOKIE_SECURE"] = "0"
    os.environ["CSRF_COOKIE_SECURE"] = "0"
    os.environ.setdefault("HELPDESK_VAR_DIR", "/tmp/helpdesk-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(client, url: str, *, requests: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
        "requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--autoclose", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="skip seeding if the data is there")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    configure(url)
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from bench.seed import seed
    from tickets import services
    from tickets.counters import counters_rebuild
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    if args.reuse and Ticket.objects.count() >= args.tickets:
        seeded = {"tickets": Ticket.objects.count(), "reused": True}
    else:
        seeded = seed(organizations=args.organizations, tickets=args.tickets)
    print(f"seeded: {seeded}", flush=True)
    # A live database is vacuumed by autovacuum; measure that steady state, not a fresh load.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    agent = User.objects.filter(role="agent").order_by("pk").first()
    customer = User.objects.filter(role="admin").order_by("pk").first()
    pages = []
    client = Client()
    client.force_login(agent)
    # As in production, staff work in a session verified by two-factor (one more query a page).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=agent, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    for url_path in [
        "/agent/queue/unassigned/",
        "/agent/queue/active/",
        "/agent/queue/mine/",
        "/agent/queue/active/?q=kubernetes",
        "/agent/queue/active/?q=firewall+rule&organization=ORG7",
    ]:
        pages.append({"who": "agent", **timed(client, url_path, requests=args.requests)})
    customer_client = Client()
    customer_client.force_login(customer)
    for url_path in ["/tickets/", "/tickets/archive/", "/tickets/?q=kubernetes"]:
        pages.append(
            {"who": "customer", **timed(customer_client, url_path, requests=args.requests)}
        )
    ticket = Ticket.objects.filter(organization=customer.organization).order_by("-pk").first()
    pages.append(
        {
            "who": "customer",
            **timed(customer_client, f"/tickets/{ticket.pk}/", requests=args.requests),
        }
    )

    # Auto-close: make N closed tickets solved and overdue, then close them again.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE tickets_ticket SET status = 'solved', closed_at = NULL,
                   solved_at = now() - interval '100 hours'
            WHERE id IN (SELECT id FROM tickets_ticket WHERE status = 'closed' ORDER BY id LIMIT %s)
            """,
            [args.autoclose],
        )
    counters_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    started = time.perf_counter()
    closed = services.tickets_auto_close_due()
    autoclose_seconds = time.perf_counter() - started

    result = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "postgres": connection.cursor().connection.info.server_version,
        },
        "seed": seeded,
        "pages": pages,
        "autoclose": {
            "closed": closed,
            "seconds": round(autoclose_seconds, 1),
            "per_second": round(closed / autoclose_seconds),
        },
    }
    print(f"\n{'who':<9} {'page':<55} {'median ms':>10} {'p95 ms':>8}")
    for page in pages:
        print(f"{page['who']:<9} {page['url']:<55} {page['median_ms']:>10} {page['p95_ms']:>8}")
    auto = result["autoclose"]
    print(f"\nautoclose: {auto['closed']} tickets in {auto['seconds']} s ({auto['per_second']}/s)")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"queue-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
