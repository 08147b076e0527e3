"""What the service-level replay adds to every write (issue 17).

    .venv/bin/python -m bench.sla_replay [--calls 30] [--lengths 2,20,100,400]

Every act that moves a ticket ends by replaying the ticket's public history
against its policy (``tickets.sla.refresh.sla_refresh``, inside the act's
transaction). This measures that replay alone and a whole reply through the
service (``ticket_reply``, which includes it), on tickets whose histories
hold the given number of conversation events, for a standard-tier
organisation (business hours, so the calendar arithmetic runs) with
production settings on PostgreSQL (``BENCH_SLA_DATABASE_URL``, by default
the database ``helpdesk_sla_bench``, emptied first). Prints per history
length the replay's median and p90 in milliseconds, its SQL queries, the
reply's median, and the replay's share of the reply, with the load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from bench.run import configure, ensure_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_sla_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--lengths", default="2,20,100,400")
    args = parser.parse_args()
    lengths = [int(n) for n in args.lengths.split(",")]
    url = os.environ.get("BENCH_SLA_DATABASE_URL", DEFAULT_URL)
    configure(url)
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organization, User
    from tickets import services
    from tickets.models import Category, SlaClock, Ticket
    from tickets.sla.refresh import sla_refresh

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from django.apps import apps

    from tickets.sla.defaults import load_defaults

    load_defaults(apps, "Europe/Berlin")
    org = Organization.objects.create(name="Initech", alias="INITECH", support_tier="standard")
    customer = User.objects.create_user(
        "peter@initech.example", None, full_name="Peter", role=User.Role.ADMIN, organization=org
    )
    agent = User.objects.create_user(
        "sam@support.example", None, full_name="Sam", role=User.Role.AGENT
    )
    category = Category.objects.create(name="General", slug="general")

    def conversation(events: int) -> Ticket:
        ticket = services.ticket_open(
            actor=customer, subject="Printer offline", description="Since Monday.",
            category=category,
        )  # fmt: skip
        for turn in range(max(0, events - 1)):
            author = agent if turn % 2 == 0 else customer
            services.ticket_reply(
                ticket=Ticket.objects.get(pk=ticket.pk), author=author, body=f"Turn {turn}."
            )
        return Ticket.objects.get(pk=ticket.pk)

    def timed(job) -> float:
        began = time.perf_counter()
        job()
        return (time.perf_counter() - began) * 1000

    print(f"machine: {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()}")
    print(f"{'events':>7} {'replay p50':>11} {'replay p90':>11} {'queries':>8} "
          f"{'reply p50':>10} {'share':>6}")  # fmt: skip
    for events in lengths:
        ticket = conversation(events)
        assert SlaClock.objects.filter(ticket=ticket).exists(), "the replay wrote no clocks"
        pk = ticket.pk
        replays = sorted(timed(lambda pk=pk: sla_refresh(pk)) for _ in range(args.calls))
        with CaptureQueriesContext(connection) as queries:
            sla_refresh(ticket.pk)
        replies = []
        for turn in range(args.calls):
            author = agent if turn % 2 == 0 else customer
            replies.append(
                timed(
                    lambda author=author, pk=pk: services.ticket_reply(
                        ticket=Ticket.objects.get(pk=pk), author=author, body="More."
                    )
                )
            )
        replay_p50 = statistics.median(replays)
        reply_p50 = statistics.median(replies)
        print(
            f"{events:>7} {replay_p50:>11.2f} {replays[int(len(replays) * 0.9)]:>11.2f} "
            f"{len(queries):>8} {reply_p50:>10.2f} {replay_p50 / reply_p50:>6.0%}"
        )
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
