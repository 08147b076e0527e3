"""Production smoke: what docker-compose runs, from the same entry points, without containers.

    .venv/bin/python .ci/smoke_production.py

With DEBUG=0 and production settings on PostgreSQL (a fresh `helpdesk_smoke`
database) and Redis (broker and cache): migrate, collectstatic, gunicorn, a
Celery worker and beat. A customer logs in and opens a ticket, an agent replies
through the API, and the reply must arrive by email at an SMTP sink on
loopback; /healthz/ready must pass and the security headers be present.
Exits non-zero, with the processes' logs, on the first failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email import message_from_bytes
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379")
DATABASE = "helpdesk_smoke"
PASSWORD = "smoke-" + secrets.token_urlsafe(12)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """The SMTP server the worker delivers to."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def fail(message: str, logs: dict[str, Path]) -> None:
    for name, path in logs.items():
        print(f"----- {name} -----\n{path.read_text(errors='replace')[-4000:]}")
    raise SystemExit(f"production smoke failed: {message}")


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="helpdesk-smoke-"))
    port, smtp_port = free_port(), free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "CELERY_BROKER_URL": f"{REDIS}/12",
        "CACHE_URL": f"{REDIS}/11",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "USE_X_FORWARDED_PROTO": "1",  # as behind the TLS proxy compose expects
        "HELPDESK_VAR_DIR": str(var),
        "HELPDESK_HEARTBEAT_EVERY_SECONDS": "5",
    }
    env.pop("DATABASE_URL_FILE", None)
    python = sys.executable
    logs = {name: var / f"{name}.log" for name in ("web", "worker", "beat")}

    def manage(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode:
            fail(f"manage.py {' '.join(args)}: {done.stderr[-2000:]}", {})
        return done.stdout

    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    manage("check", "--deploy", "--fail-level", "WARNING")
    subprocess.run(["redis-cli", "-u", f"{REDIS}/12", "flushdb"], check=False, capture_output=True)
    keys = json.loads(
        manage("shell", "-c", SETUP.replace("PASSWORD", PASSWORD)).strip().splitlines()[-1]
    )

    processes = {
        "web": [python, "-m", "gunicorn", "helpdesk.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--access-logfile", "-"],
        "worker": [python, "-m", "celery", "-A", "helpdesk", "worker", "--loglevel", "INFO",
                   "--queues", "default,email,maintenance", "--concurrency", "2"],
        "beat": [python, "-m", "celery", "-A", "helpdesk", "beat", "--loglevel", "INFO",
                 "--schedule", str(var / "celerybeat-schedule")],
    }  # fmt: skip
    running = {
        name: subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=logs[name].open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name, command in processes.items()
    }
    base = f"http://127.0.0.1:{port}"
    try:
        run_checks(base, keys, sink, running, logs)
    finally:
        for process in running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in running.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        controller.stop()
        shutil.rmtree(var, ignore_errors=True)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    print("production smoke passed: gunicorn, worker and beat took a ticket to a delivered email")


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    """One HTTP request as the TLS proxy forwards it; returns (status, headers, body)."""
    headers = {"X-Forwarded-Proto": "https", **(headers or {})}
    req = urllib.request.Request(url, data=data, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_until(check, *, timeout: float, what: str, running, logs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in running.items():
            if process.poll() is not None:
                fail(f"{name} exited with {process.returncode}", logs)
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    fail(f"timed out waiting for {what}", logs)


def run_checks(base: str, keys: dict, sink: Sink, running, logs) -> None:
    wait_until(
        lambda: request(f"{base}/healthz/live")[0] == 200,
        timeout=60, what="gunicorn to answer", running=running, logs=logs,
    )  # fmt: skip
    wait_until(
        lambda: request(f"{base}/healthz/ready")[0] == 200,
        timeout=90, what="/healthz/ready (beat's heartbeat through the worker)",
        running=running, logs=logs,
    )  # fmt: skip

    # The login page: security headers, then a real login with CSRF and secure cookies.
    status, headers, body = request(f"{base}/accounts/login/")
    expected = {
        "Content-Security-Policy": "default-src",
        "Strict-Transport-Security": "max-age=",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=()",
        "X-Content-Type-Options": "nosniff",
    }
    for header, part in expected.items():
        if part not in (headers.get(header) or ""):
            fail(f"/accounts/login/ lacks {header} ({headers.get(header)!r})", logs)
    cookies = SimpleCookie("; ".join(headers.get_all("Set-Cookie") or []))
    if "secure" not in (headers.get("Set-Cookie") or "").lower():
        fail("the CSRF cookie is not marked Secure", logs)
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"username=smoke-customer%40example.com&password={PASSWORD}&csrfmiddlewaretoken={csrf}"
    status, headers, _ = request(
        f"{base}/accounts/login/",
        data=form.encode(),
        headers={
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
            "Referer": f"{base.replace('http:', 'https:')}/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    set_cookies = headers.get_all("Set-Cookie") or []
    session_cookie = next((c for c in set_cookies if c.startswith("sessionid=")), "")
    if status != 302 or "secure" not in session_cookie.lower():
        fail(f"the customer's login answered {status} with cookies {set_cookies}", logs)
    session = SimpleCookie(session_cookie)["sessionid"].value

    # The customer opens a ticket; the agent replies through the API.
    def api(path: str, key: str, payload: dict) -> dict:
        status, _, body = request(
            f"{base}/api/v1/{path}",
            data=json.dumps(payload).encode(),
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        )
        if status not in (200, 201):
            fail(f"POST /api/v1/{path} answered {status}: {body[:500]!r}", logs)
        return json.loads(body)

    ticket = api(
        "tickets/",
        keys["customer"],
        {"category": "smoke", "subject": "Smoke test", "description": "Is anyone there?"},
    )
    number = ticket["number"]
    api(f"tickets/{number}/messages/", keys["agent"], {"body": "Yes, the smoke reached us."})

    def reply_arrived() -> bool:
        for raw in sink.messages:
            email = message_from_bytes(raw)
            text = raw.decode(errors="replace")
            if "smoke-customer@example.com" in email["To"] and "the smoke reached us" in text:
                return True
        return False

    wait_until(reply_arrived, timeout=90, what="the reply's email", running=running, logs=logs)
    status, _, body = request(
        f"{base}/tickets/{number}/", headers={"Cookie": f"sessionid={session}"}
    )
    if status != 200 or b"the smoke reached us" not in body:
        fail(f"the customer's ticket page answered {status} without the reply", logs)
    # Static files are served by WhiteNoise from collectstatic's manifest.
    css = re.search(rb'href="(/static/[^"]+\.css)"', body)
    if css is None or request(base + css.group(1).decode())[0] != 200:
        fail("the page's stylesheet is not served", logs)


SETUP = """
import json
from accounts.models import Organization, User
from accounts.tokens import token_create
from tickets.models import Category

org = Organization.objects.create(name="Smoke Ltd", alias="smoke")
Category.objects.create(name="Smoke", slug="smoke")
customer = User.objects.create_user(
    email="smoke-customer@example.com", password="PASSWORD", full_name="Sam Smoke",
    organization=org,
)
agent = User.objects.create_user(
    email="smoke-agent@example.com", password="PASSWORD", full_name="Ada Agent",
    role=User.Role.AGENT,
)
print(json.dumps({
    "customer": token_create(user=customer, name="smoke")[1],
    "agent": token_create(user=agent, name="smoke")[1],
}))
"""

if __name__ == "__main__":
    main()
