"""A real SMTP server on loopback (aiosmtpd) for the delivery tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tests.workers import Worker, broker_purge, worker_env


class Mailbox:
    """The SMTP server's handler: records what it accepted, can refuse or stall."""

    def __init__(self) -> None:
        self.accepted: list[tuple[list[str], bytes]] = []
        self.refuse_next = 0
        self.refusal = "451 4.3.0 Try again later"
        self.stall = threading.Event()  # set: DATA waits until `release` is set
        self.stalled = threading.Event()
        self.release = threading.Event()
        # Called on the server's event loop as soon as a 250 has been written
        # (the next turn of the loop), to act at the moment of acceptance.
        self.on_accept = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return self.refusal
        if self.stall.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 Connection lost"  # the sender is gone: not accepted
        self.accepted.append((list(envelope.rcpt_tos), envelope.content))
        if self.on_accept is not None:
            asyncio.get_running_loop().call_soon(self.on_accept)
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        """The Message-ID of every accepted email, a resend counted again."""
        return [message_from_bytes(content)["Message-ID"].strip() for _, content in self.accepted]

    def recipients(self) -> list[str]:
        return sorted(address for tos, _ in self.accepted for address in tos)


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        mailbox.port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    mailbox.release.set()
    controller.stop()


@pytest.fixture
def smtp_backend(smtp, settings):
    """Django sends through the loopback SMTP server in this process."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_TIMEOUT = 5
    return smtp


@pytest.fixture
def worker(smtp, settings):
    # Tasks left in the broker by other tests would only be refused claims,
    # but start from an empty broker all the same.
    broker_purge()
    settings.HELPDESK_OUTBOX_GRACE_SECONDS = 0
    settings.HELPDESK_EMAIL_LEASE_SECONDS = 3
    started = Worker(worker_env(smtp.port))
    started.start()
    yield started
    started.stop()
