"""Whether a deep cursor page of the API ticket list costs what the first does (issue 15).

    .venv/bin/python -m bench.cursor_pages ["/api/v1/tickets/?priority=high"]
        [--pages 20] [--walks 5]

In-process with production settings against ``BENCH_DATABASE_URL`` (the
seeded ``helpdesk_bench`` by default), as an agent with an API token: walks
``next`` from the first page ``--pages`` deep, ``--walks`` times, and prints
the mean time, query count and COUNT queries of the first page, the second,
and the last, with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.run import DEFAULT_URL, configure


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default="/api/v1/tickets/?priority=high")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--walks", type=int, default=5)
    args = parser.parse_args()

    configure(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    os.environ["HELPDESK_API_RATE"] = "10000000/minute"
    os.environ["HELPDESK_API_ORGANIZATION_RATE"] = "10000000/minute"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from accounts.tokens import token_create

    agent = User.objects.filter(role="agent").order_by("pk").first()
    assert agent is not None, "seed the bench database first"
    token = token_create(user=agent, name="bench cursor pages")[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    sql: list[str] = []

    def record(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    # page number (1-based) -> [(ms, queries, counts)]
    seen: dict[int, list[tuple[float, int, int]]] = {}
    count = None
    for _ in range(args.walks):
        url: str | None = args.path
        for page in range(1, args.pages + 1):
            assert url is not None, f"the list ends before page {page}"
            sql.clear()
            with connection.execute_wrapper(record):
                started = time.perf_counter()
                response = client.get(url)
                took = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            count = body["count"]
            counts = sum("COUNT(" in statement.upper() for statement in sql)
            seen.setdefault(page, []).append((took, len(sql), counts))
            url = body["next"]

    load = os.getloadavg()
    print(f"{args.path}: count {count}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for page in (1, 2, args.pages):
        runs = seen[page][1:] or seen[page]  # the first walk warms the caches
        print(
            f"  page {page:3}: mean {statistics.fmean(r[0] for r in runs):7.2f} ms, "
            f"{runs[-1][1]} queries, {runs[-1][2]} COUNT"
        )


if __name__ == "__main__":
    main()
