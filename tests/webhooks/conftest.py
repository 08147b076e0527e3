"""A real HTTP receiver on loopback for the webhook tests, and the settings that allow it."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import Celery, current_app
from django.utils import timezone

from notifications.services import notifications_for_event
from tickets.models import TicketEvent


class Receiver:
    """Records every request; answers the next codes of ``answers`` (then 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.delay = 0.0  # seconds each answer waits: a slow receiver
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook?src=helpdesk"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.received.append((dict(self.headers.items()), body))
                    code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                if code in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.end_headers()
                self.wfile.write(b"ok" * 10000)

            def log_message(self, *args):
                pass

        return Handler

    def bodies(self) -> list[bytes]:
        return [body for _, body in self.received]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    server = Receiver()
    # Its port is a random one: allowed here alone, next to https's own.
    settings.WEBHOOKS_ALLOWED_PORTS = [443, 8443, server.server.server_address[1]]
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def process_events():
    """Process every event not yet processed, as the notifications worker would."""

    def process() -> None:
        for pk in TicketEvent.objects.filter(notified_at__isnull=True).values_list("pk", flat=True):
            notifications_for_event(event_id=pk)

    return process


@pytest.fixture
def now():
    return timezone.now()


@contextmanager
def broker_unreachable():
    """The broker is down for this process: the current Celery app's broker is nobody."""
    real = current_app._get_current_object()
    down = Celery("broker-down", set_as_current=False)
    down.conf.broker_url = down.conf.broker_write_url = "redis://127.0.0.1:1/0"
    down.conf.broker_connection_timeout = 1
    down.conf.task_publish_retry_policy = {"max_retries": 0}
    down.set_current()
    try:
        yield
    finally:
        real.set_current()
        down.close()
