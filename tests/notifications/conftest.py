"""A real SMTP server on loopback (aiosmtpd) for the delivery tests."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """The SMTP server's handler: records what it accepted, can refuse or stall."""

    def __init__(self) -> None:
        self.accepted: list[tuple[list[str], bytes]] = []
        self.refuse_next = 0
        self.refusal = "451 4.3.0 Try again later"
        self.stall = threading.Event()  # set: DATA waits until `release` is set
        self.stalled = threading.Event()
        self.release = threading.Event()

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
        return "250 2.0.0 OK"

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
