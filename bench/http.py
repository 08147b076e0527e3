"""Pages over HTTP against the floor, side by side, at a million tickets (issue 15).

    make bench                                  # seeds if needed, then measures
    .venv/bin/python -m bench.http [--tickets 1000000] [--organizations 1000]
        [--duration 10] [--connections 4] [--rounds 3] [--skip-floor] [--only REGEX]

Serves the product as production does (gunicorn, 2 sync workers, ``DEBUG=0``,
the manifest static files, real logged-in sessions: the agent's verified with
a TOTP code, as staff must) on the PostgreSQL database ``BENCH_DATABASE_URL``
(seeded by ``bench.seed`` when it holds fewer tickets than asked), starts the
floor (``../shared/floor/``: ``setup.sh`` once, then ``serve.sh``), and drives
each page with wrk (``bench/wrk.lua``: bounded in time and count, random
ticket numbers and search words per request). Rounds are interleaved: in each,
every floor page runs right before its counterpart of ours, so both see the
same machine. Before timing, each page is checked to return rows.

Pages without a floor counterpart are held to an absolute target instead: the
agent API list and search across organisations (50 ms), and the dashboards
(200 ms, issue 19), whose figures this server computes on every request
(``REPORTS_CACHE_SECONDS=0``; ``BENCH_REPORTS_CACHE_SECONDS=60`` times them
cached, as deployed) from rollups built once for the last 120 days.
``--only`` times the pages whose names match its regular expression.

Prints p50/p99/req/s per page (the median over rounds) with the ratio to the
floor's p50, the load average, and the machine; writes the table to
``bench/results/http-<time>.md``. The last line reads
``worst ratio to floor: <N.N>x on <page>``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = Path(os.environ.get("BENCH_FLOOR", ROOT.parent / "shared" / "floor"))
FLOOR_URL = "http://127.0.0.1:8102"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
WORDS = "printer,invoice,password,refund,vpn,outlook,laptop,licence,timeout,backup,webhook,firewall,payroll,docking,barcode,phishing"
PASSWORD = "bench-password-not-a-secret"
TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, for the agent's authenticator
BENCH_ADMIN = "bench-admin@support.example"
ROLLUP_DAYS = 120
# The environment as it came, for the floor's processes (ours adds Django settings).
CLEAN_ENV = dict(os.environ)


@dataclass
class Page:
    name: str
    path: str  # ours, with {word} and {ticket}
    who: str  # customer, agent, customer-token, agent-token or anonymous
    floor: str | None  # the floor's page it is held against ({org} is random there)
    rows: str  # a regular expression the response must match (it returns rows)
    limit_ms: float | None = None  # an absolute target instead of a floor
    connections: int | None = None  # wrk's connections, when not --connections


PAGES = [
    Page(
        "customer tickets", "/tickets/", "customer", "/org/{org}/tickets/", r'href="/tickets/\d+/"'
    ),
    Page(
        "agent unassigned", "/agent/queue/unassigned/", "agent", "/queue/", r'href="/tickets/\d+/"'
    ),
    Page(
        "agent breaching soon",
        "/agent/queue/breaching/",
        "agent",
        "/queue/",
        r'href="/tickets/\d+/"',
    ),
    Page(
        "search in one org",
        "/tickets/?q={word}",
        "customer",
        "/org/{org}/search/?q={word}",
        r'href="/tickets/\d+/"',
    ),
    Page("ticket page", "/tickets/{ticket}/", "customer", "/tickets/{ticket}/", r"<article"),
    Page(
        "customer API list",
        "/api/v1/tickets/",
        "customer-token",
        "/org/{org}/tickets/",
        r'"results":\[\{',
    ),
    Page("agent API list", "/api/v1/tickets/", "agent-token", None, r'"results":\[\{', limit_ms=50),
    Page(
        "agent search, all orgs",
        "/agent/queue/closed/?q={word}",
        "agent",
        None,
        r'href="/tickets/\d+/"',
        limit_ms=50,
    ),
    Page("healthz", "/healthz", "anonymous", "/ping/", r"ok"),
    # Issue 19: a dashboard at a million tickets within 200 ms, over the
    # default 30 days, computed on every request (REPORTS_CACHE_SECONDS=0 in
    # this server; a dashboard opened again before new events is cached).
    Page(
        "support dashboard",
        "/agent/reports/",
        "support-admin",
        None,
        r'data-figure="created">[1-9]',
        limit_ms=200,
    ),
    Page(
        "customer admin's report",
        "/organisation/reports/",
        "customer",
        None,
        r'data-figure="created">[1-9]',
        limit_ms=200,
    ),
    # The same two, one request at a time: with four connections on two
    # single-threaded workers, a request waits for another's, so the p50 above
    # is about twice the time to serve one; these time the serving alone.
    Page(
        "support dashboard, one at a time",
        "/agent/reports/",
        "support-admin",
        None,
        r'data-figure="created">[1-9]',
        limit_ms=200,
        connections=1,
    ),
    Page(
        "customer admin's report, one at a time",
        "/organisation/reports/",
        "customer",
        None,
        r'data-figure="created">[1-9]',
        limit_ms=200,
        connections=1,
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database: str, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "HELPDESK_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "HELPDESK_LOG_FORMAT": "json",
        # As deployed (docker-compose.yml): a shared Redis cache, so sessions are read from it.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12"),
        # One script drives thousands of calls a minute; the limit's own cost is still paid.
        "HELPDESK_API_RATE": "10000000/minute",
        "HELPDESK_API_ORGANIZATION_RATE": "10000000/minute",
        # The dashboards' figures computed on every request: the worst case
        # (BENCH_REPORTS_CACHE_SECONDS=60 times them as deployed, cached).
        "REPORTS_CACHE_SECONDS": os.environ.get("BENCH_REPORTS_CACHE_SECONDS", "0"),
    }


def prepare(args, env: dict[str, str]) -> dict:
    """Migrate, seed when needed, and make the logins; returns what the pages need."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.tokens import token_create
    from bench.seed import seed
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    have = Ticket.objects.count()
    seeded = {"tickets": have, "reused": True}
    if have < args.tickets:
        print(f"seeding {args.tickets:,} tickets (this takes minutes)...", flush=True)
        seeded = seed(organizations=args.organizations, tickets=args.tickets)
        print(f"seeded: {json.dumps(seeded)}", flush=True)
    customer = User.objects.filter(role="admin", organization_id=1).order_by("pk").first()
    agent = User.objects.filter(role="agent").order_by("pk").first()
    # The seed has agents only; the dashboards' support admin is one of ours.
    admin = User.objects.filter(email=BENCH_ADMIN).first() or User.objects.create_user(
        BENCH_ADMIN, PASSWORD, full_name="Bench Admin", role=User.Role.SUPPORT_ADMIN
    )
    for user in (customer, agent, admin):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    for user in (agent, admin):
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="bench", key=TOTP_KEY, confirmed=True)
    fill_rollups()
    numbers = list(
        Ticket.objects.filter(organization_id=customer.organization_id)
        .order_by("?")
        .values_list("pk", flat=True)[:5000]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "seed": seeded,
        "customer": customer.email,
        "agent": agent.email,
        "support_admin": admin.email,
        "customer_token": token_create(user=customer, name="bench")[1],
        "agent_token": token_create(user=agent, name="bench")[1],
        "tickets": numbers,
        "postgres": connection.cursor().connection.info.server_version,
    }


def fill_rollups(days: int = ROLLUP_DAYS) -> None:
    """The dashboards read rollups: built once for the tickets of the last
    ``days`` days (the longest period offered is 90), kept by the events after."""
    from django.utils import timezone

    from reports.models import DailyRollup
    from reports.rollups import local_day, rollups_rebuild

    if DailyRollup.objects.exists():
        return
    print(f"building the dashboards' rollups over {days} days (minutes)...", flush=True)
    started = time.perf_counter()
    count = rollups_rebuild(since=local_day(timezone.now()) - timedelta(days=days))
    print(f"rollups: {count:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)


def login(base: str, email: str, *, totp: bool = False) -> str:
    """Log in through the login page (and the two-factor page); returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, fields: dict) -> str:
        page = opener.open(base + path).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(base + path, data=body, headers={"Referer": base + path})
        return opener.open(request).geturl()

    post("/accounts/login/", {"username": email, "password": PASSWORD})
    if totp:
        from django_otp.oath import totp as totp_code

        code = f"{totp_code(bytes.fromhex(TOTP_KEY)):06d}"
        post("/accounts/two-factor/verify/", {"code": code})
    return "Cookie: " + "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(base: str, path: str, header: str) -> tuple[int, str]:
    name, _, value = header.partition(":")
    request = urllib.request.Request(base + path, headers={name: value.strip()} if header else {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def wrk(
    base: str, path: str, *, header: str, tickets: Path | None, duration: int, connections: int
) -> dict:
    env = {
        **os.environ,
        "BENCH_PATH": path,
        "BENCH_HEADER": header,
        "BENCH_WORDS": WORDS,
        "BENCH_TICKETS": str(tickets or ""),
        "FLOOR_PATH": path,
        "FLOOR_WORDS": WORDS,
    }
    script = FLOOR / "wrk.lua" if base == FLOOR_URL else ROOT / "bench" / "wrk.lua"
    run = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "60s", "--latency",
         "-s", str(script), base],
        capture_output=True, text=True, env=env, timeout=duration + 60, check=True,
    )  # fmt: skip
    out = run.stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    if not re.search(r"^\s+50%", out, re.MULTILINE):
        # Not one answer within the run: report it as such, never as 0 ms.
        return {"p50": float("inf"), "p99": float("inf"), "rps": 0.0, "errors": errors or 1}
    return {
        "p50": latency("50"),
        "p99": latency("99"),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "errors": errors,
    }


def start_ours(
    env: dict[str, str],
    port: int,
    *,
    workers: int = 2,
    timeout: int = 60,
    worker_class: str = "sync",
) -> subprocess.Popen:
    """gunicorn with ``workers`` workers on ``port``, once it answers its probe.
    One thread each unless ``worker_class`` is threaded: gunicorn.conf.py asks
    for 4, and gunicorn turns sync workers with threads into gthread ones, but
    the floor's convention is sync workers."""
    threads = "1" if worker_class == "sync" else os.environ.get("GUNICORN_THREADS", "4")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "helpdesk.wsgi", "--workers", str(workers),
         "--worker-class", worker_class, "--threads", threads, "--bind", f"127.0.0.1:{port}",
         "--timeout", str(timeout)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(Path(env["HELPDESK_VAR_DIR"]) / "gunicorn.log", "ab"),  # noqa: SIM115
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def start_floor() -> None:
    if not FLOOR.exists():
        raise SystemExit(f"no floor at {FLOOR}")
    subprocess.run([str(FLOOR / "setup.sh")], cwd=FLOOR, env=CLEAN_ENV, check=True)  # seeds once
    subprocess.run([str(FLOOR / "serve.sh"), "start"], cwd=FLOOR, env=CLEAN_ENV, check=True)
    # The floor measures a warm database; so do we (ours is read before timing too).
    subprocess.run(
        [str(FLOOR / "pg.sh"), "psql", "-qtAX", "-c",
         "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n "
         "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"],
        cwd=FLOOR, env=CLEAN_ENV, check=True, capture_output=True,
    )  # fmt: skip


def prewarm_ours(database: str) -> None:
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        connection.execute(
            "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
        )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument(
        "--only", default="", help="time only the pages whose names match this regular expression"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")
    return args


def main() -> None:
    args = _arguments()
    pages = [page for page in PAGES if re.search(args.only, page.name, re.IGNORECASE)]

    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    var = Path(tempfile.mkdtemp(prefix="helpdesk-bench-http-"))
    env = environment(database, var)
    ready = prepare(args, env)
    tickets_file = var / "tickets.txt"
    tickets_file.write_text("\n".join(str(n) for n in ready["tickets"]))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_ours(env, port)
    try:
        if not args.skip_floor:
            start_floor()
        prewarm_ours(database)
        headers = {
            "customer": login(base, ready["customer"]),
            "agent": login(base, ready["agent"], totp=True),
            "support-admin": login(base, ready["support_admin"], totp=True),
            "customer-token": f"Authorization: Token {ready['customer_token']}",
            "agent-token": f"Authorization: Token {ready['agent_token']}",
            "anonymous": "",
        }
        sample_ticket = str(ready["tickets"][0])
        for page in pages:
            path = page.path.replace("{word}", "printer").replace("{ticket}", sample_ticket)
            status, body = fetch(base, path, headers[page.who])
            if status != 200 or not re.search(page.rows, body):
                raise RuntimeError(f"{page.name}: {path} answered {status} without rows; not timed")
        load_before = os.getloadavg()
        samples: dict[str, dict[str, list[dict]]] = {
            p.name: {"ours": [], "floor": []} for p in pages
        }
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number} of {args.rounds}", flush=True)
            for page in pages:
                common = {
                    "duration": args.duration,
                    "connections": page.connections or args.connections,
                }
                if page.floor and not args.skip_floor:
                    samples[page.name]["floor"].append(
                        wrk(FLOOR_URL, page.floor, header="", tickets=None, **common)
                    )
                samples[page.name]["ours"].append(
                    wrk(base, page.path, header=headers[page.who], tickets=tickets_file, **common)
                )
        load_after = os.getloadavg()
    except Exception:
        log = var / "gunicorn.log"
        if log.exists():
            print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(var, ignore_errors=True)

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    lines = [
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {ready['seed']['tickets']:,} tickets; "
        f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, "
        f"PostgreSQL {ready['postgres']}; gunicorn 2 sync workers each; wrk -t2 -c{args.connections} "
        f"-d{args.duration}s (-t1 -c1 on the pages timed one at a time), {args.rounds} interleaved rounds (medians); dashboards' "
        f"REPORTS_CACHE_SECONDS={env['REPORTS_CACHE_SECONDS']} (0: computed on every request)",
        f"# load average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f}",
        "",
        "| page | floor p50 ms | ours p50 ms | ours p99 ms | ours req/s | errors | ours ÷ floor |",
        "|---|---|---|---|---|---|---|",
    ]
    worst = (0.0, "")
    for page in pages:
        ours, floor = samples[page.name]["ours"], samples[page.name]["floor"]
        p50, p99, rps = median(ours, "p50"), median(ours, "p99"), median(ours, "rps")
        errors = sum(run["errors"] for run in ours)
        if floor:
            floor_p50 = median(floor, "p50")
            ratio = p50 / floor_p50
            verdict = f"{ratio:.1f}×"
            worst = max(worst, (ratio, page.name))
            floor_text = f"{floor_p50:.2f}"
        else:
            floor_text = "–"
            met = p50 <= (page.limit_ms or 0) and errors == 0
            verdict = f"target {page.limit_ms:.0f} ms: {'met' if met else 'missed'}"
        lines.append(
            f"| {page.name} | {floor_text} | {p50:.2f} | {p99:.2f} | {rps:.0f} | {errors} | {verdict} |"
        )
    lines += [
        "",
        f"worst ratio to floor: {worst[0]:.1f}x on {worst[1]}"
        if worst[1]
        else "worst ratio to floor: none (no page held against the floor was timed)",
    ]
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    target = results / f"http-{time.strftime('%Y%m%d-%H%M%S')}.md"
    target.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:-1]))
    print(f"written: {target}")
    print(lines[-1])


if __name__ == "__main__":
    main()
