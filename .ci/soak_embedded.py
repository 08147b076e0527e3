"""Soak: `make run`'s processes under a steady stream of work, on the embedded defaults.

    .venv/bin/python .ci/soak_embedded.py [seconds]   # default 600

Migrates and seeds a demo in a fresh var/ folder, starts `python -m
helpdesk.serve` (runserver, and a worker with beat at its real intervals, on
SQLite and the filesystem broker), then for the whole time a customer opens a
ticket and an agent replies to one every couple of seconds through the API.
At the end every email the desk meant to send must be in var/mail exactly once,
nothing may be left pending, and no process may have died (the supervisor
restarts a dead one, so a restart counts as a failure here).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TOKENS = """
import json
from accounts.models import User
from accounts.tokens import token_create
customer = User.objects.filter(role=User.Role.ADMIN, organization__isnull=False).first()
agent = User.objects.filter(role=User.Role.AGENT).first()
print(json.dumps({"customer": token_create(user=customer, name="soak")[1],
                  "agent": token_create(user=agent, name="soak")[1]}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(base: str, key: str, method: str, path: str, payload: dict | None = None):
    """One API call; a refused connection is retried for 15 s (runserver's
    autoreloader restarts it when a source file changes), then it fails."""
    deadline = time.monotonic() + 15
    while True:
        try:
            return _call(base, key, method, path, payload)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionRefusedError):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _call(base: str, key: str, method: str, path: str, payload: dict | None):
    request = urllib.request.Request(
        f"{base}/api/v1/{path}",
        method=method,
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    var = Path(tempfile.mkdtemp(prefix="helpdesk-soak-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")},
        "DEBUG": "1",
        "HELPDESK_VAR_DIR": str(var),
        "HELPDESK_ADDRESS": f"127.0.0.1:{port}",
    }
    python = sys.executable

    def manage(*args: str) -> str:
        done = subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    manage("migrate", "--noinput")
    manage("seed_demo")
    keys = json.loads(manage("shell", "-c", TOKENS).strip().splitlines()[-1])
    log = var / "serve.log"
    serve = subprocess.Popen(
        [python, "-m", "helpdesk.serve"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    made = replies = 0
    try:
        _wait_until_live(base)
        categories = api(base, keys["customer"], "GET", "categories/")
        slug = (categories["results"] if isinstance(categories, dict) else categories)[0]["slug"]
        numbers: list[int] = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                ticket = api(
                    base,
                    keys["customer"],
                    "POST",
                    "tickets/",
                    {"category": slug, "subject": f"Soak {made}", "description": "Steady load."},
                )
                numbers.append(ticket["number"])
                made += 1
                number = random.choice(numbers)
                api(base, keys["agent"], "POST", f"tickets/{number}/messages/", {"body": "On it."})
                replies += 1
            except (urllib.error.URLError, OSError) as error:
                failures.append(f"a request failed: {error}")
            if serve.poll() is not None:
                failures.append(f"make run stopped (exit {serve.returncode})")
                break
            time.sleep(2)
        # Let the outbox drain: the sweeper runs every minute at its real interval.
        drain_deadline = time.monotonic() + 240
        while time.monotonic() < drain_deadline and unfinished(var):
            time.sleep(5)
    finally:
        _stop(serve)

    output = log.read_text(errors="replace")
    failures += _verdict(var, output)
    print(f"soak: {seconds} s, {made} tickets, {replies} replies")
    if made == 0:
        failures.append("no ticket was created")
    if failures:
        print(output[-5000:])
        shutil.rmtree(var, ignore_errors=True)
        raise SystemExit("soak failed: " + "; ".join(failures))
    shutil.rmtree(var, ignore_errors=True)


def _wait_until_live(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz/live", timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("make run's web server did not start") from None
            time.sleep(1)


def _stop(serve: subprocess.Popen) -> None:
    if serve.poll() is None:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)


def _verdict(var: Path, output: str) -> list[str]:
    """What went wrong, read from make run's log and the outbox after the drain."""
    failures: list[str] = []
    if "starting it again" in output or "keeps stopping" in output:
        failures.append("a process of make run died and was restarted")
    if "Unrecoverable error" in output or "CRITICAL" in output:
        failures.append("the worker logged an unrecoverable error")
    left = unfinished(var)
    if left:
        failures.append(f"{left} emails still pending or sending after the drain")
    expected, sent = expected_and_sent(var)
    doubled = sorted(mid for mid, count in sent.items() if count > 1)
    lost = sorted(expected - set(sent))
    print(
        f"soak: {len(expected)} emails due, {sum(sent.values())} in var/mail,"
        f" {len(lost)} lost, {len(doubled)} doubled, load average {os.getloadavg()}"
    )
    if lost:
        failures.append(f"lost: {lost[:5]}")
    if doubled:
        failures.append(f"doubled: {doubled[:5]}")
    return failures


def _database(var: Path) -> sqlite3.Connection:
    return sqlite3.connect(var / "helpdesk.sqlite3", timeout=30)


def unfinished(var: Path) -> int:
    with _database(var) as db:
        (outbox,) = db.execute(
            "SELECT count(*) FROM outbox_outboundemail WHERE state IN ('pending', 'sending')"
        ).fetchone()
        (notes,) = db.execute(
            "SELECT count(*) FROM notifications_notification"
            " WHERE email_state IN ('pending', 'sending')"
        ).fetchone()
    return outbox + notes


def expected_and_sent(var: Path) -> tuple[set[str], Counter]:
    """Message-IDs the database says were sent (by their part before the @), and
    how often each appears in the file backend's output."""
    with _database(var) as db:
        expected = {
            row[0].split("@")[0]
            for row in db.execute("SELECT message_id FROM outbox_outboundemail WHERE state='sent'")
        } | {
            f"<notification-{row[0]}"
            for row in db.execute(
                "SELECT id FROM notifications_notification WHERE email_state='sent'"
            )
        }
    sent: Counter = Counter()
    for path in (var / "mail").glob("*"):
        for match in re.finditer(r"(?mi)^Message-ID: (\S+)", path.read_text(errors="replace")):
            sent[match.group(1).split("@")[0]] += 1
    return expected, sent


if __name__ == "__main__":
    main()
