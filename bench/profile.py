"""Where a page's time goes, in-process, with production settings (issue 15).

    .venv/bin/python -m bench.profile /agent/queue/unassigned/ [--who agent|support-admin|customer]
        [--requests 200] [--sort tottime] [--top 40]

Runs against ``BENCH_DATABASE_URL`` (the seeded ``helpdesk_bench`` by default)
with ``DEBUG=0``, logs the first customer admin or agent in (the agent's
session verified by two-factor, as production asks), warms the page up, then
prints the page's median time, its SQL (count and time per request) and the
functions that cost most under cProfile. Profile before and after a change.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

from bench.run import DEFAULT_URL, configure


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--who", choices=["agent", "support-admin", "customer"], default="customer")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    configure(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest, as deployed
    client = Client()
    if args.who in ("agent", "support-admin"):
        # The support admin is bench.http's own (the seed has agents only).
        staff = User.objects.filter(role="agent")
        if args.who == "support-admin":
            staff = User.objects.filter(email="bench-admin@support.example")
        user = staff.order_by("pk").first()
        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    else:
        client.force_login(
            User.objects.filter(role="admin", organization_id=1).order_by("pk").first()
        )

    for _ in range(10):
        response = client.get(args.path)
        assert response.status_code == 200, response.status_code

    # SQL per request, measured apart from the profile.
    queries: list[float] = []
    by_statement: dict[str, list[float]] = {}

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - started) * 1000
            queries.append(took)
            by_statement.setdefault(sql[:150], []).append(took)

    with connection.execute_wrapper(timer):
        samples, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(args.path)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    # The CPU time of this process alone moves less with the machine's load
    # than the wall time does: compare it before and after a change.
    print(
        f"{args.path}: median {statistics.median(samples):.2f} ms over {args.requests} "
        f"(this process's CPU {statistics.median(cpu):.2f} ms); "
        f"SQL {len(queries) / args.requests:.1f} queries, "
        f"{sum(queries) / args.requests:.2f} ms a request"
    )

    for sql, times in sorted(by_statement.items(), key=lambda item: -sum(item[1])):
        print(
            f"  {sum(times) / args.requests:7.2f} ms/request  x{len(times) / args.requests:.0f}  {sql}"
        )

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.path)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
