"""Polling support mailboxes over IMAP (with TLS), into ``email_ingest``.

Each message is fetched without marking it (``BODY.PEEK[]``), stored and
handled, and only then marked: moved to ``HELPDESK_IMAP_DONE_FOLDER`` when one
is set, flagged ``\\Seen`` otherwise. A crash in between means the message is
fetched again next time, and the Message-ID makes that second delivery a
no-op: nothing is lost and nothing is doubled.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from inbound.models import InboundEmail
from inbound.services import email_ingest

logger = logging.getLogger(__name__)
SECURITY = ("ssl", "starttls", "none")
SCHEMES = {"imaps": "ssl", "imap+starttls": "starttls", "imap": "none"}


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    done_folder: str = ""
    security: str = "ssl"
    ca_file: str = ""
    recipient: str = ""  # the support address mail here was sent to, when headers may not say

    def __str__(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        """``imaps://user:password@host[:port]/folder?done=Handled&recipient=high@example.com``.

        ``imap+starttls://`` upgrades a plain connection; ``imap://`` is unencrypted (loopback
        only). Percent-encode ``@ : / , ?`` in the user or password.
        """
        parts = urlsplit(url.strip())
        security = SCHEMES.get(parts.scheme)
        if security is None or not parts.hostname:
            raise ImproperlyConfigured(
                "An IMAP mailbox URL must look like imaps://user:password@host/folder, "
                f"not {url!r}."
            )
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if security == "ssl" else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            done_folder=query.get("done", [""])[0],
            security=security,
            ca_file=query.get("ca", [settings.HELPDESK_IMAP_CA_FILE])[0],
            recipient=query.get("recipient", [""])[0].lower(),
        )

    @classmethod
    def from_settings(cls) -> Mailbox | None:
        if not settings.HELPDESK_IMAP_HOST:
            return None
        security = settings.HELPDESK_IMAP_SECURITY
        if security not in SECURITY:
            raise ImproperlyConfigured(f"HELPDESK_IMAP_SECURITY must be one of {SECURITY}.")
        return cls(
            host=settings.HELPDESK_IMAP_HOST,
            port=settings.HELPDESK_IMAP_PORT or (993 if security == "ssl" else 143),
            user=settings.HELPDESK_IMAP_USER,
            password=settings.HELPDESK_IMAP_PASSWORD,
            folder=settings.HELPDESK_IMAP_FOLDER,
            done_folder=settings.HELPDESK_IMAP_DONE_FOLDER,
            security=security,
            ca_file=settings.HELPDESK_IMAP_CA_FILE,
        )


def _connect(box: Mailbox) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=box.ca_file or None)
    timeout = settings.HELPDESK_IMAP_TIMEOUT_SECONDS
    if box.security == "ssl":
        return imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=timeout)
    connection = imaplib.IMAP4(box.host, box.port, timeout=timeout)
    if box.security == "starttls":
        connection.starttls(ssl_context=context)
    return connection


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _capabilities(connection: imaplib.IMAP4) -> set[str]:
    """What the server offers once logged in (the greeting may list less)."""
    status, data = connection.capability()
    return set(data[0].decode().upper().split()) if status == "OK" and data and data[0] else set()


def _mark_done(connection: imaplib.IMAP4, box: Mailbox, uid: str, capabilities: set[str]) -> None:
    if not box.done_folder:
        connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return
    if "MOVE" in capabilities:
        connection.uid("MOVE", uid, _quoted(box.done_folder))
        return
    status, _ = connection.uid("COPY", uid, _quoted(box.done_folder))
    if status == "OK":
        connection.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        connection.expunge()


def mailbox_poll(*, limit: int = 200, box: Mailbox | None = None) -> int:
    """Fetch and handle up to ``limit`` waiting messages; returns how many were taken."""
    box = box or Mailbox.from_settings()
    if box is None:
        return 0
    connection = _connect(box)
    taken = 0
    try:
        connection.login(box.user, box.password)
        capabilities = _capabilities(connection)
        if box.done_folder:
            connection.create(_quoted(box.done_folder))  # "already exists" is fine
        status, _ = connection.select(_quoted(box.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"Cannot open the folder {box.folder!r}.")
        criteria = "UNDELETED" if box.done_folder else "UNSEEN"
        status, data = connection.uid("SEARCH", criteria)  # no CHARSET argument
        uids = [uid.decode() for uid in (data[0] or b"").split()[:limit]] if status == "OK" else []
        for uid in uids:
            status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(
                (part[1] for part in parts or [] if isinstance(part, tuple) and len(part) > 1),
                None,
            )
            if status != "OK" or not raw:
                logger.warning("IMAP: could not fetch message %s; it stays for the next poll.", uid)
                continue
            email_ingest(raw=bytes(raw), source=InboundEmail.Source.IMAP, recipient=box.recipient)
            _mark_done(connection, box, uid, capabilities)
            taken += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            connection.logout()
    return taken


def mailboxes() -> list[Mailbox]:
    """Every configured mailbox: ``HELPDESK_IMAP_HOST``'s and each of ``HELPDESK_IMAP_URLS``."""
    boxes = [Mailbox.from_url(url) for url in settings.HELPDESK_IMAP_URLS]
    single = Mailbox.from_settings()
    return ([single] if single else []) + boxes


def mailboxes_poll() -> list[tuple[str, int | str]]:
    """Poll each mailbox; one that fails (down, wrong password) does not stop the others.

    Returns, per mailbox in order, how many messages it gave or why it failed.
    """
    results: list[tuple[str, int | str]] = []
    for box in mailboxes():
        try:
            results.append((str(box), mailbox_poll(box=box)))
        except (imaplib.IMAP4.error, OSError) as error:
            logger.warning("IMAP: polling %s failed: %s", box, error)
            results.append((str(box), f"failed: {error}"))
    return results
