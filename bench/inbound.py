"""The email channel (issue 8): 5,000 raw messages through ``email_ingest``, on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python -m bench.inbound [--messages 5000]

Builds its own organisation, 50 customers and support addresses (idempotent),
then feeds a realistic mix, each message stored, parsed and routed in one
process exactly as the IMAP poller or ``manage.py ingest_email`` would:
60% new tickets (a fifth with attachments, a fifth HTML-only, some with the
PIN template), 20% replies threaded by reply address with quoted history,
10% automatic mail (auto-replies, bounces), 5% unknown senders, 5% repeated
deliveries. Reports messages per second overall and per kind.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path

from bench.run import DEFAULT_URL, configure, ensure_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5_000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    configure(url)
    os.environ["HELPDESK_EMAIL_TICKETS_PER_HOUR"] = "100000"
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Organization, User
    from inbound.models import InboundEmail, SupportAddress
    from inbound.services import email_ingest
    from outbox.threads import reply_address
    from tests.inbound import corpus
    from tickets.models import Category, Priority

    call_command("migrate", verbosity=0)
    organization, _ = Organization.objects.get_or_create(
        alias="BENCHMAIL", defaults={"name": "Bench Mail Ltd", "support_tier": "enterprise"}
    )
    Category.objects.get_or_create(slug="technical", defaults={"name": "Technical issue"})
    SupportAddress.objects.get_or_create(email=corpus.SUPPORT)
    SupportAddress.objects.get_or_create(email=corpus.HIGH, defaults={"priority": Priority.HIGH})
    users = []
    for n in range(50):
        user = User.objects.filter(email=f"user{n}@benchmail.example").first()
        if user is None:
            user = User.objects.create_user(
                f"user{n}@benchmail.example",
                None,
                full_name=f"Bench User {n}",
                role=User.Role.MEMBER,
                organization=organization,
            )
        users.append(user)

    run = time.strftime("%H%M%S")
    opened: list[int] = []
    kinds: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    states: Counter[str] = Counter()
    last_raw = b""
    started = time.perf_counter()
    for index in range(args.messages):
        user = users[index % len(users)]
        slot = index % 20
        message_id = f"<bench-{run}-{index}@mail.example>"
        if slot < 12:
            kind = "new ticket"
            if slot % 5 == 0:
                raw = corpus.with_attachments(["screenshot.png", "notes.txt"], sender=user.email)
            elif slot % 5 == 1:
                raw = corpus.html_only(sender=user.email)
            elif slot % 5 == 2:
                raw = corpus.with_pin(alias="BENCHMAIL", username=user.email, sender=user.email)
            else:
                raw = corpus.plain(
                    sender=user.email,
                    to=corpus.HIGH if slot % 2 else corpus.SUPPORT,
                    subject=f"Incident {index}",
                    message_id=message_id,
                )
        elif slot < 16 and opened:
            kind = "reply"
            raw = corpus.outlook_reply(
                reply_address(opened[index % len(opened)]), sender=user.email
            )
        elif slot < 18:
            kind = "automatic"
            raw = corpus.auto_reply(sender=user.email) if slot % 2 else corpus.bounce()
        elif slot == 18:
            kind = "stranger"
            raw = corpus.plain(sender=f"stranger{index}@elsewhere.example")
        else:
            kind = "duplicate"
            raw = last_raw or corpus.plain(sender=user.email)
        one = time.perf_counter()
        inbound = email_ingest(raw=raw)
        seconds[kind] += time.perf_counter() - one
        kinds[kind] += 1
        states[inbound.state] += 1
        if inbound.state == InboundEmail.State.TICKET and inbound.ticket_id:
            opened.append(inbound.ticket_id)
        last_raw = raw
    total = time.perf_counter() - started

    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "postgres": connection.cursor().connection.info.server_version,
        },
        "messages": args.messages,
        "seconds": round(total, 1),
        "messages_per_second": round(args.messages / total, 1),
        "per_kind": {
            kind: {
                "count": kinds[kind],
                "per_second": round(kinds[kind] / seconds[kind], 1) if seconds[kind] else None,
            }
            for kind in kinds
        },
        "outcomes": dict(states),
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"inbound-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=2)
    )


if __name__ == "__main__":
    main()
