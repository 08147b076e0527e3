"""Reading and filling the test Dovecot mailbox as a mail client would."""

from __future__ import annotations

import imaplib
import ssl

from inbound.imap import Mailbox


def imap_session(box: Mailbox) -> imaplib.IMAP4_SSL:
    connection = imaplib.IMAP4_SSL(
        box.host, box.port, ssl_context=ssl.create_default_context(cafile=box.ca_file)
    )
    connection.login(box.user, box.password)
    return connection


def deliver(box: Mailbox, *messages: bytes, folder: str = "INBOX") -> None:
    """Put messages in the mailbox the way an MTA's delivery agent would."""
    connection = imap_session(box)
    try:
        for raw in messages:
            status, _ = connection.append(folder, None, None, raw)
            assert status == "OK"
    finally:
        connection.logout()


def uids(box: Mailbox, criteria: str, folder: str = "INBOX") -> list[bytes]:
    connection = imap_session(box)
    try:
        connection.select(folder)
        status, data = connection.uid("SEARCH", None, criteria)
        return (data[0] or b"").split() if status == "OK" else []
    finally:
        connection.logout()
