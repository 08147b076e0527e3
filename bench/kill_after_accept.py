"""How long is the window in which a crash sends an email twice? (issue 12.5)

    .venv/bin/python -m bench.kill_after_accept [--kills 20] [--delays 0,1,2,5,10,20]

Runs the fault test tests/notifications/test_kill_after_accept.py once per
delay: a real Celery worker sends through a real SMTP server on loopback,
which SIGKILLs the worker that many milliseconds after writing its ``250``.
A resend after the kill is a duplicate; a kill that lands after the row was
marked sent costs nothing. The delay at which duplicates stop is the window.
Set DATABASE_URL and CELERY_BROKER_URL to measure PostgreSQL and Redis.
Prints one line per delay and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/notifications/test_kill_after_accept.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--delays", default="0,1,2,5,10,20", help="milliseconds, comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as folder:
        report = Path(folder) / "report.jsonl"
        for delay in args.delays.split(","):
            env = dict(
                os.environ,
                HELPDESK_FAULT_KILLS=str(args.kills),
                HELPDESK_FAULT_KILL_DELAY_MS=delay,
                HELPDESK_FAULT_REPORT=str(report),
            )
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST]
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            if done.returncode:
                print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
                raise SystemExit(f"the fault test failed at a {delay} ms delay")
        rows = [json.loads(line) for line in report.read_text().splitlines()]
    database = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    broker = os.environ.get("CELERY_BROKER_URL", "filesystem").split(":", 1)[0]
    print(f"database {database}, broker {broker}, load average {os.getloadavg()}")
    print(f"{'kill delay':>12} {'kills':>6} {'emails':>7} {'lost':>5} {'doubled':>8}")
    for row in rows:
        print(
            f"{row['kill_delay_ms']:>9.1f} ms {row['kills']:>6} {row['emails']:>7}"
            f" {row['lost']:>5} {row['doubled']:>8}"
        )


if __name__ == "__main__":
    main()
