"""The notification outbox and sender (issue 4), on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python -m bench.notifications [--notifications 10000]

Needs the queue benchmark's data (bench.run seeds it). Support replies on
active tickets through the real service until at least N notifications are
due, then measures, in one process: events turned into notification rows
per second, and emails sent per second through a real SMTP server on
loopback (aiosmtpd), each with its claim and its sent mark.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import time
from pathlib import Path

from bench.run import DEFAULT_URL, configure


class Counting:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    configure(url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    os.environ.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
    )
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from celery import current_app
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from notifications import services as notify
    from notifications.models import EmailState, Notification
    from tickets import services
    from tickets.models import Status, Ticket, TicketEvent

    call_command("migrate", verbosity=0)
    Notification.objects.all().delete()
    TicketEvent.objects.filter(notified_at__isnull=True).update(notified_at=time_now())
    agent = User.objects.filter(role="agent").order_by("pk").first()
    tickets = Ticket.objects.filter(status=Status.IN_PROGRESS).order_by("pk").iterator()

    started = time.perf_counter()
    replies = 0
    expected = 0
    for ticket in tickets:
        services.ticket_reply(ticket=ticket, author=agent, body="Status update: still on it.")
        replies += 1
        expected += 2 if ticket.requester_id % 3 != 1 else 1  # requester, and the admin
        if expected >= args.notifications:
            break
    reply_seconds = time.perf_counter() - started
    current_app.control.purge()  # the worker is not running: the bench drives the outbox itself

    events = list(TicketEvent.objects.filter(notified_at__isnull=True).values_list("pk", flat=True))
    started = time.perf_counter()
    for event_id in events:
        notify.notifications_for_event(event_id=event_id)
    process_seconds = time.perf_counter() - started
    current_app.control.purge()
    pending = list(
        Notification.objects.filter(email_state=EmailState.PENDING).values_list("pk", flat=True)
    )

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    for pk in pending:
        outcome = notify.notification_send_email(notification_id=pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    send_seconds = time.perf_counter() - started
    controller.stop()

    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "postgres": connection.cursor().connection.info.server_version,
        },
        "replies": {"count": replies, "seconds": round(reply_seconds, 1)},
        "outbox": {
            "events": len(events),
            "notifications": len(pending),
            "seconds": round(process_seconds, 1),
            "events_per_second": round(len(events) / process_seconds),
        },
        "emails": {
            "outcomes": outcomes,
            "received_by_smtp": handler.count,
            "seconds": round(send_seconds, 1),
            "per_second": round(len(pending) / send_seconds),
        },
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"notifications-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=2)
    )


def time_now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    main()
