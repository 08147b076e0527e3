"""The dashboards at 1,000,000 tickets, in-process (issue 19).

    .venv/bin/python -m bench.dashboard [--rebuild] [--requests 30] [--drop]

Runs against ``BENCH_DATABASE_URL`` (the seeded ``helpdesk_bench`` by default)
with production settings. It writes nothing but the reports' own tables: it
creates them when missing (through the schema editor, not ``migrate``, so the
bench database's migration records are untouched), fills them with the
rebuild (``--rebuild``, or when they are empty), then calls the dashboard views
directly (a request factory: no session is written) for a support admin and a
customer admin over 7, 30 and 90 days, and prints the median and 99th
percentile of each with its SQL time: computed on every view (the figures'
cache off), then cached (opened again before new events move the rollups).
``--drop`` removes the tables again, for a database whose migrations never
created them (``bench.http`` migrates the bench database, so they are kept by
default: dropping them there would leave ``migrate`` believing they exist).

HTTP timings (middleware, gunicorn): ``bench.http --only "dashboard|report"``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from bench.run import DEFAULT_URL, configure


def _tables(connection, models) -> set[str]:
    existing = set(connection.introspection.table_names())
    return {model._meta.db_table for model in models} & existing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true", help="recompute the rollups first")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--drop", action="store_true", help="drop the reports' tables after (they are kept)"
    )
    parser.add_argument("--keep", action="store_true", help="the default; kept for old commands")
    parser.add_argument(
        "--days",
        type=int,
        default=0,
        help="rebuild only the tickets opened in the last DAYS days (0: every ticket)",
    )
    args = parser.parse_args()

    configure(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest, as deployed
    from django.conf import settings
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone

    from accounts.models import User
    from reports.models import (
        BacklogByAssignee,
        BacklogByDay,
        DailyRollup,
        DimensionRollup,
        RollupWatermark,
        TicketFact,
    )
    from reports.rollups import local_day, rollups_rebuild
    from reports.views import organization_report, support_dashboard

    models = [
        TicketFact,
        DailyRollup,
        DimensionRollup,
        BacklogByDay,
        BacklogByAssignee,
        RollupWatermark,
    ]
    present = _tables(connection, models)
    with connection.schema_editor() as editor:
        for model in models:
            if model._meta.db_table not in present:
                editor.create_model(model)
    try:
        if args.rebuild or not DailyRollup.objects.exists():
            started = time.perf_counter()
            since = local_day(timezone.now()) - timedelta(days=args.days) if args.days else None
            count = rollups_rebuild(since=since)
            print(
                f"rebuild: {count} tickets in {time.perf_counter() - started:.1f} s; "
                f"{TicketFact.objects.count()} facts, {DailyRollup.objects.count()} rollup rows"
            )
        # The bench seeds agents only: a support admin is an agent taken as one,
        # in memory (nothing is written).
        admin = User.objects.filter(role__in=User.STAFF_ROLES, is_active=True).order_by("pk")
        customer = User.objects.filter(role=User.Role.ADMIN, organization_id=1).order_by("pk")
        factory = RequestFactory()
        for who, user, view, path in (
            ("support admin", admin.first(), support_dashboard, "/agent/reports/"),
            ("customer admin", customer.first(), organization_report, "/organisation/reports/"),
        ):
            if user is None:
                print(f"{who}: nobody of that role in the bench database")
                continue
            if who == "support admin":
                user.role = User.Role.SUPPORT_ADMIN
            # Computed on every view (the cache off), then as a dashboard opened
            # again within REPORTS_CACHE_SECONDS with no new events finds them.
            for mode, seconds in (("computed", 0), ("cached", 60)):
                settings.REPORTS_CACHE_SECONDS = seconds
                for period in ("7", "30", "90"):
                    timing = _time(
                        factory,
                        view,
                        user,
                        f"{path}?period={period}",
                        args.requests,
                        connection,
                        FallbackStorage,
                    )
                    print(f"{mode:8}  {timing}")
    finally:
        if args.drop:
            with connection.schema_editor() as editor:
                for model in models:
                    editor.delete_model(model)
            print("dropped the reports' tables")


def _time(factory, view, user, url, requests, connection, storage) -> str:
    def call():
        request = factory.get(url)
        request.user = user
        request.session = {}
        request._messages = storage(request)
        response = view(request)
        assert response.status_code == 200, (url, response.status_code)
        return response

    for _ in range(3):
        call()
    samples, sql = [], []
    for _ in range(requests):
        spent: list[float] = []

        def timer(execute, query, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                spent.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            call()
        samples.append((time.perf_counter() - started) * 1000)
        sql.append(sum(spent))
    samples.sort()
    p99 = samples[max(int(len(samples) * 0.99) - 1, 0)]
    return (
        f"{url}: median {statistics.median(samples):.1f} ms, p99 {p99:.1f} ms over {requests}; "
        f"SQL {statistics.median(sql):.1f} ms ({len(spent)} queries)"
    )


if __name__ == "__main__":
    main()
