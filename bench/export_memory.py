"""The web worker's memory while a support admin exports every ticket as CSV (issue 19).

    make bench-export
    .venv/bin/python -m bench.export_memory [--views closed,active] [--timeout 30]
        [--limit-mb 50]

Serves the product as ``bench/http.py`` does (its environment, ``DEBUG=0``, the
manifest static files, a real session verified with a TOTP code) but with one
sync gunicorn worker, on ``BENCH_DATABASE_URL`` (seeded by ``bench.seed``; this
script never seeds). It logs in as a support admin of its own
(``bench-export@support.example``, created once, then reused), asks for the
agent queue's CSV export of each view with no filter, reads each stream to
the end counting CSV rows, and samples the worker's resident memory
(``VmRSS`` of ``/proc/<pid>/status``) every 0.2 s.

No queue view holds every ticket (Closed, then All active, which is every
ticket that is not closed): the two exports run back to back in the same
worker and together hold every ticket. The worker's memory is read after a
small warm-up export (code loaded, connection open) and the growth is its
peak over both exports less that.

``--timeout`` is gunicorn's worker timeout and ``--worker-class`` its kind of
worker: 30 s and gthread are what the image and docker-compose run
(``gunicorn.conf.py``). A sync worker busy with one response cannot tell the
master it is alive, so the master kills it once the timeout passes,
mid-stream (``--worker-class sync`` shows it): the bench reports such an
export as cut (and fails). A gthread worker keeps reporting from its main
thread while a thread streams.

Prints and writes ``bench/results/export-<time>.md``; the last line reads
``growth <N.N> MB: pass`` (or ``fail``), against ``--limit-mb``.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.http import DEFAULT_DATABASE, PASSWORD, ROOT, TOTP_KEY, environment, free_port, login
from bench.http import start_ours as serve

ADMIN = "bench-export@support.example"
SAMPLE_SECONDS = 0.2


def prepare(env: dict[str, str]) -> dict:
    """Static files and the support admin's login; returns the ticket counts."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from tickets.models import Status, Ticket

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest, as deployed
    admin = User.objects.filter(email=ADMIN).first()
    if admin is None:
        admin = User.objects.create_user(
            ADMIN, PASSWORD, full_name="Bench Export", role=User.Role.SUPPORT_ADMIN
        )
    TOTPDevice.objects.filter(user=admin).delete()
    TOTPDevice.objects.create(user=admin, name="bench", key=TOTP_KEY, confirmed=True)
    counts = {
        "tickets": Ticket.objects.count(),
        "closed": Ticket.objects.filter(status=Status.CLOSED).count(),
        "postgres": connection.cursor().connection.info.server_version,
    }
    connection.close()
    return counts


def worker_pid(master: int) -> int:
    """The one worker gunicorn's master forked."""
    for _ in range(50):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6  # kB (KiB) to MB
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class Sampler:
    """Reads the worker's memory every ``SAMPLE_SECONDS`` in a thread."""

    pid: int
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(rss_mb(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                return  # the worker is gone (killed by gunicorn's timeout?)
            self._stop.wait(SAMPLE_SECONDS)

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join()
        return self.samples


def export(base: str, path: str, cookie: str) -> dict:
    """Stream ``path`` to the end: its data rows, seconds and bytes, and whether
    the stream was cut (gunicorn kills a sync worker busy past its timeout)."""
    name, _, value = cookie.partition(":")
    request = urllib.request.Request(base + path, headers={name: value.strip()})
    started = time.perf_counter()
    rows, cut = -1, ""  # the header is no data row
    with urllib.request.urlopen(request, timeout=3600) as response:
        assert response.headers["Content-Type"].startswith("text/csv"), response.headers
        counted = _Counted(response)
        text = io.TextIOWrapper(counted, encoding="utf-8-sig", newline="")
        try:
            for _row in csv.reader(text):
                rows += 1
        except (http.client.HTTPException, OSError) as error:
            cut = f"{type(error).__name__} after {time.perf_counter() - started:.1f} s"
    return {
        "rows": max(rows, 0),
        "seconds": time.perf_counter() - started,
        "bytes": counted.bytes,
        "cut": cut,
    }


class _Counted(io.RawIOBase):
    """A response read through, counting its bytes."""

    def __init__(self, response) -> None:
        self.response = response
        self.bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.response.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.bytes += len(chunk)
        return len(chunk)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", default="closed,active", help="queue views, comma-separated")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout, s")
    parser.add_argument("--limit-mb", type=float, default=50.0)
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn's (the image runs gthread workers)"
    )
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    var = Path(tempfile.mkdtemp(prefix="helpdesk-bench-export-"))
    env = environment(database, var)
    counts = prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, workers=1, timeout=args.timeout, worker_class=args.worker_class)
    runs: list[dict] = []
    try:
        pid = worker_pid(server.pid)
        cookie = login(base, ADMIN, totp=True)
        # Warm-up: the export's code loaded and its connection open, on few rows.
        export(base, "/agent/queue/closed/export.csv?q=zzzzqqqq", cookie)
        time.sleep(1)
        before = rss_mb(pid)
        sampler = Sampler(pid)
        for view in args.views.split(","):
            run = {"view": view, **export(base, f"/agent/queue/{view}/export.csv", cookie)}
            runs.append(run)
            print(
                f"{view}: {run['rows']:,} rows, {run['bytes'] / 2**20:.0f} MiB "
                f"in {run['seconds']:.1f} s{'; CUT: ' + run['cut'] if run['cut'] else ''}",
                flush=True,
            )
            if run["cut"]:
                break  # the worker is gone: its samples up to the cut still count
        samples = sampler.stop()
        after = rss_mb(pid) if Path(f"/proc/{pid}").exists() else float("nan")
    except Exception:
        log = var / "gunicorn.log"
        if log.exists():
            print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(30)
        log = var / "gunicorn.log"
        killed = log.read_text().count("WORKER TIMEOUT") if log.exists() else 0
        shutil.rmtree(var, ignore_errors=True)

    peak = max([before, *samples])
    growth = peak - before
    rows = sum(run["rows"] for run in runs)
    every_ticket = rows == counts["tickets"]
    cut = [run for run in runs if run["cut"]]
    passed = growth < args.limit_mb and every_ticket and not cut
    lines = [
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: CSV export of "
        f"{counts['tickets']:,} tickets; {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}, PostgreSQL {counts['postgres']}; gunicorn 1 "
        f"{args.worker_class} worker, timeout {args.timeout} s; RSS sampled every {SAMPLE_SECONDS} s "
        f"({len(samples)} samples)",
        f"# load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}",
        "",
        "| export | rows | MiB | seconds | rows/s | cut |",
        "|---|---|---|---|---|---|",
        *(
            f"| /agent/queue/{run['view']}/export.csv | {run['rows']:,} | "
            f"{run['bytes'] / 2**20:.0f} | {run['seconds']:.1f} | "
            f"{run['rows'] / run['seconds']:,.0f} | {run['cut'] or 'no'} |"
            for run in runs
        ),
        "",
        f"rows in all: {rows:,} of {counts['tickets']:,} tickets "
        f"({'every one' if every_ticket else 'NOT every ticket'})",
        *(
            f"CUT: {run['view']} stopped ({run['cut']}): gunicorn's worker timeout is "
            f"{args.timeout} s and a worker streaming a response cannot report alive "
            f"(gunicorn's log: {killed} WORKER TIMEOUT)"
            for run in cut
        ),
        f"worker RSS: before {before:.1f} MB, peak {peak:.1f} MB, after {after:.1f} MB",
        f"growth {growth:.1f} MB (limit {args.limit_mb:.0f} MB): {'pass' if passed else 'fail'}",
    ]
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    target = results / f"export-{time.strftime('%Y%m%d-%H%M%S')}.md"
    target.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:-1]))
    print(f"written: {target}")
    print(lines[-1])


if __name__ == "__main__":
    main()
