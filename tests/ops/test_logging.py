"""Logs an operator can follow: JSON lines in production, each carrying the id of
the request that caused it, in the web process and in the worker."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from queue import Empty

import pytest
from celery import current_app
from django.urls import reverse

from outbox.models import OutboundEmail
from tests.workers import Worker, wait_for, worker_env
from tickets.tasks import autoclose_task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r"[0-9a-f]{32}")


@contextmanager
def console_lines():
    """What the configured console handler writes meanwhile, line by line."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    lines: list[str] = []
    try:
        yield lines
    finally:
        handler.setStream(previous)
        lines.extend(stream.getvalue().splitlines())


def messages_in_queue(queue_name: str) -> list:
    """Take every message waiting in a queue of the real broker (and ack it)."""
    taken = []
    with current_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            while True:
                message = queue.get(timeout=1)
                message.ack()
                taken.append(message)
        except Empty:
            pass
        queue.close()
    return taken


# The id


def test_each_request_gets_a_fresh_id_in_its_response(client):
    first = client.get("/healthz/live")["X-Request-ID"]
    second = client.get("/healthz/live")["X-Request-ID"]

    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


def test_a_safe_incoming_request_id_is_kept(client):
    response = client.get("/healthz/live", HTTP_X_REQUEST_ID="lb-7f3a.91:x_2")

    assert response["X-Request-ID"] == "lb-7f3a.91:x_2"


@pytest.mark.parametrize(
    "incoming",
    ["", "a" * 65, "two words", "new\\nline", "<script>", "-leading-dash", 'quote"d', "ü"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz/live", HTTP_X_REQUEST_ID=incoming)

    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_even_a_redirect_to_https_carries_the_id(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/tickets/", HTTP_X_REQUEST_ID="redirect-1")

    assert response.status_code == 301
    assert response["X-Request-ID"] == "redirect-1"


# The lines


def test_every_line_logged_during_a_request_is_json_with_its_id(client, alice):
    client.force_login(alice)
    with console_lines() as lines:
        missing = client.get("/tickets/999999/")  # Http404: logged inside the chain
        refused = client.get("/metrics", REMOTE_ADDR="203.0.113.7")  # 403: logged after it

    records = [json.loads(line) for line in lines]
    assert [(r["level"], r["logger"], r["message"]) for r in records] == [
        ("WARNING", "django.request", "Not Found: /tickets/999999/"),
        ("WARNING", "django.request", "Forbidden: /metrics"),
    ]
    assert [r["request_id"] for r in records] == [missing["X-Request-ID"], refused["X-Request-ID"]]
    assert all(set(r) >= {"time", "level", "logger", "message", "request_id"} for r in records)
    assert "request" not in records[0]  # Django's request object (and its query string) stays out


def test_a_line_outside_any_request_has_no_id():
    with console_lines() as lines:
        logging.getLogger("helpdesk.test").warning("beat woke up")

    record = json.loads(lines[0])
    assert (record["message"], record["request_id"]) == ("beat woke up", None)


def test_debug_keeps_human_readable_lines_and_production_writes_json():
    code = "import logging; logging.getLogger('helpdesk.test').warning('hello %s', 'there')"
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="helpdesk.settings")
    env.pop("HELPDESK_LOG_FORMAT", None)

    def run(debug: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env={**env, "DEBUG": debug},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr.strip().splitlines()[-1]

    development, production = run("1"), run("0")

    assert re.fullmatch(r"\S+ \S+ WARNING helpdesk.test \[-\] hello there", development)
    record = json.loads(production)
    assert (record["level"], record["logger"], record["message"]) == (
        "WARNING",
        "helpdesk.test",
        "hello there",
    )


# Into the tasks


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_during_a_request_carries_the_request_id(client, alice, empty_queues):

    # A password reset queues its email's send after the request's commit.
    response = client.post(
        reverse("password_reset"), {"email": alice.email}, HTTP_X_REQUEST_ID="reset-42"
    )

    assert response.status_code == 302
    email = OutboundEmail.objects.get(to=alice.email)
    sends = [
        message
        for message in messages_in_queue("email")
        if message.headers["task"] == "outbox.send" and message.decode()[0] == [email.pk]
    ]
    assert [message.headers.get("request_id") for message in sends] == ["reset-42"]


def test_a_task_queued_outside_a_request_carries_no_id(empty_queues):

    current_app.send_task("ops.heartbeat")

    (message,) = messages_in_queue("default")
    assert "request_id" not in message.headers


def test_the_worker_logs_a_task_under_the_id_its_message_carries():
    with console_lines() as lines:
        # Celery's own tracing of a task, with the signals a worker sends around it.
        autoclose_task.apply(headers={"request_id": "from-the-web-1"})
        logging.getLogger("helpdesk.test").warning("after the task")

    task_line, after = (json.loads(line) for line in lines)
    assert task_line["logger"] == "celery.app.trace"
    assert task_line["message"].startswith("Task tickets.autoclose[")
    assert (task_line["request_id"], task_line["task_name"]) == (
        "from-the-web-1",
        "tickets.autoclose",
    )
    assert (after["request_id"], "task_id" in after) == (None, False)


def test_a_forged_id_in_a_message_is_not_believed():
    with console_lines() as lines:
        autoclose_task.apply(headers={"request_id": 'evil\n{"level": "ERROR"}'})

    assert json.loads(lines[0])["request_id"] is None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_logs_the_task_of_a_request_with_its_id(client, alice, empty_queues):
    worker = Worker(worker_env(smtp_port=1))
    worker.start()
    try:
        client.post(
            reverse("password_reset"), {"email": alice.email}, HTTP_X_REQUEST_ID="reset-worker-7"
        )

        def task_lines() -> list[dict]:
            found = []
            for line in worker.log().splitlines():
                if line.startswith("{"):
                    record = json.loads(line)
                    if record.get("task_name") == "outbox.send":
                        found.append(record)
            return found

        wait_for(lambda: task_lines(), what="the worker's lines for the email's task")
    finally:
        worker.stop()

    assert {record["request_id"] for record in task_lines()} == {"reset-worker-7"}
