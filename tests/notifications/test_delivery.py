"""Delivery that loses nothing and doubles nothing, with real parts.

A real Celery worker process consumes from the configured broker (the
filesystem transport by default, Redis when CELERY_BROKER_URL says so) and
sends through a real SMTP server listening on loopback (aiosmtpd). The test
process plays the web server: it commits replies and runs the sweeper.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.conf import settings
from django.db import connection

from notifications import services as notify
from notifications.models import EmailState, Notification
from tickets import services
from tickets.models import TicketEvent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def worker_env(smtp_port: int) -> dict[str, str]:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        database_url = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        HELPDESK_VAR_DIR=str(settings.VAR_DIR),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        HELPDESK_EMAIL_RETRY_BASE_SECONDS="1",
        HELPDESK_EMAIL_LEASE_SECONDS="3",
        HELPDESK_OUTBOX_GRACE_SECONDS="0",
        PYTHONPATH=str(ROOT),
    )
    return env


class Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "--pool",
                "solo",
                "--queues",
                "default,email,maintenance",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._log: list[str] = []
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                text = line.decode(errors="replace")
                self._log.append(text)
                if " ready." in text:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(60), "the worker did not start:\n" + "".join(self._log)

    def kill(self) -> None:
        """As a crash would: no goodbye, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "".join(self._log)


@pytest.fixture
def worker(smtp, settings):
    # Tasks left in the broker by other tests would only be refused claims,
    # but start from an empty broker all the same.
    current_app.control.purge()
    settings.HELPDESK_OUTBOX_GRACE_SECONDS = 0
    settings.HELPDESK_EMAIL_LEASE_SECONDS = 3
    started = Worker(worker_env(smtp.port))
    started.start()
    yield started
    started.stop()


def wait_for(condition, *, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def settle(seconds: float = 2.0) -> None:
    """Give a duplicate every chance to show up before counting."""
    time.sleep(seconds)


@contextmanager
def broker_unreachable():
    """The broker is down for this process (as when Redis is away): while it
    lasts, the current Celery app is one whose broker nobody listens on."""
    real = current_app._get_current_object()
    down = Celery("broker-down", set_as_current=False)
    down.conf.broker_url = "redis://127.0.0.1:1/0"
    down.conf.broker_connection_timeout = 1
    down.conf.task_publish_retry_policy = {"max_retries": 0}
    down.set_current()
    try:
        yield
    finally:
        real.set_current()
        down.close()


@pytest.fixture
def carols_ticket(carol, agent, make_ticket):
    """A ticket of Globex, where Carol is the only person to tell."""
    ticket = make_ticket(carol, subject="Mail server down")
    TicketEvent.objects.update(notified_at=ticket.created_at)  # setting the scene tells nobody
    return ticket


def test_a_reply_while_the_broker_is_down_is_saved_and_emailed_once_when_it_is_back(
    worker, smtp, carols_ticket, agent
):
    with broker_unreachable():
        reply = services.ticket_reply(ticket=carols_ticket, author=agent, body="We are on it.")
    assert reply.message.pk  # the reply is saved
    event = TicketEvent.objects.get(kind="replied")
    settle(3)
    assert smtp.accepted == []
    assert TicketEvent.objects.get(pk=event.pk).notified_at is None  # waiting in the outbox

    # The broker is back and the sweeper runs: the reply and its move to In progress.
    assert notify.notifications_sweep() == (2, 0)
    wait_for(lambda: smtp.accepted, what="the email")
    settle()

    assert smtp.recipients() == ["carol@globex.example"]
    assert b"We are on it." in smtp.accepted[0][1]
    assert Notification.objects.get().email_state == EmailState.SENT


def test_an_smtp_server_that_refuses_twice_gets_the_email_once(worker, smtp, carols_ticket, agent):
    smtp.refuse_next = 2

    services.ticket_reply(ticket=carols_ticket, author=agent, body="Try again later?")
    wait_for(lambda: smtp.accepted, timeout=40, what="the third attempt")
    settle()

    assert smtp.recipients() == ["carol@globex.example"]
    notification = Notification.objects.get()
    assert (notification.email_state, notification.email_attempts) == (EmailState.SENT, 3)


def test_the_same_send_task_delivered_twice_emails_once(worker, smtp, carols_ticket, agent):
    services.ticket_reply(ticket=carols_ticket, author=agent, body="Once only")
    wait_for(lambda: Notification.objects.exists(), what="the notification row")
    notification = Notification.objects.get()

    for _ in range(2):  # a broker redelivery, a sweeper racing the normal path
        current_app.send_task(notify.SEND_EMAIL_TASK, args=[notification.pk])
        current_app.send_task(notify.PROCESS_EVENT_TASK, args=[notification.event_id])
    wait_for(lambda: smtp.accepted, what="the email")
    settle(3)

    assert smtp.recipients() == ["carol@globex.example"]
    assert Notification.objects.count() == 1


def test_a_worker_killed_mid_send_loses_nothing_and_sends_at_most_once(
    worker, smtp, carols_ticket, agent
):
    smtp.stall.set()
    services.ticket_reply(ticket=carols_ticket, author=agent, body="Survive the crash")
    assert smtp.stalled.wait(30), worker.log()

    worker.kill()  # in the middle of the SMTP conversation
    smtp.release.set()
    smtp.stall.clear()
    settle(1)
    assert smtp.accepted == []
    assert Notification.objects.get().email_state == EmailState.SENDING

    worker.start()  # a new worker, and the sweeper once the claim's lease is over
    time.sleep(3.5)
    notify.notifications_sweep()
    wait_for(lambda: smtp.accepted, what="the resent email")
    settle()

    assert smtp.recipients() == ["carol@globex.example"]
    assert Notification.objects.get().email_state == EmailState.SENT
