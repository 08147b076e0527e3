"""How a ticket's emails thread: our Message-IDs, the ticket's Reply-To
address, and recognising both (and our own addresses) in mail that comes back.

Notification emails say ``Reply-To: support+t41.<mac>@example.com``: the
ticket number with a keyed MAC, so a reply threads even when a mail client
drops ``In-Reply-To``, and nobody can forge an address for another ticket.
Their Message-IDs are ``<kind-N@our domain>``: ``<ticket-N@…>`` is the root
every email of ticket N refers to, and an app that mints its own kind (the
notifications' ``<notification-N@…>``) registers how to find the ticket of
one (``register_message_kind``), so ingestion can thread a reply to it
without importing that app.

Below every app that sends or receives mail (``inbound`` and ``notifications``
both use it; it imports neither): README, "Architecture".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "helpdesk.inbound.reply-token"
_TOKEN = re.compile(r"\+t(\d{1,12})\.([0-9a-f]{12})@", re.IGNORECASE)

TICKET = "ticket"

# kind -> the ticket of the email numbered N of that kind (None if there is none).
_TICKET_OF: dict[str, Callable[[int], int | None]] = {TICKET: lambda number: number}


def register_message_kind(kind: str, ticket_of: Callable[[int], int | None]) -> None:
    """Say how to find the ticket of ``<kind-N@our domain>``; an app calls this in
    ``AppConfig.ready`` for the Message-IDs it mints. Unregistered kinds thread nowhere."""
    if not re.fullmatch(r"[a-z]+", kind):
        raise ValueError(f"A Message-ID kind is lowercase letters only, not {kind!r}.")
    _TICKET_OF[kind] = ticket_of


def message_domain() -> str:
    """The domain of the Message-IDs we mint: ``DEFAULT_FROM_EMAIL``'s."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "helpdesk.local"


def message_id(kind: str, number: int) -> str:
    """``<kind-N@our domain>``: stable, so a resend after a crash can be told apart."""
    return f"<{kind}-{number}@{message_domain()}>"


def thread_id(ticket_id: int) -> str:
    """The root every email of a ticket refers to (``In-Reply-To``/``References``)."""
    return message_id(TICKET, ticket_id)


def _mac(ticket_id: int) -> str:
    return salted_hmac(_SALT, str(ticket_id)).hexdigest()[:12]


def reply_address(ticket_id: int) -> str:
    """The Reply-To of a ticket's notifications."""
    name, address = parseaddr(settings.HELPDESK_REPLY_TO)
    local, _, domain = address.rpartition("@")
    return formataddr((name, f"{local}+t{ticket_id}.{_mac(ticket_id)}@{domain}"))


def ticket_from_address(address: str) -> int | None:
    """The ticket a reply address names, if its MAC is right."""
    match = _TOKEN.search(address or "")
    if not match:
        return None
    ticket_id = int(match.group(1))
    return ticket_id if constant_time_compare(match.group(2).lower(), _mac(ticket_id)) else None


def base_address(address: str) -> str:
    """``support+anything@example.com`` → ``support@example.com``, lowercased."""
    local, _, domain = (address or "").strip().lower().rpartition("@")
    return f"{local.partition('+')[0]}@{domain}" if local else ""


def own_addresses() -> set[str]:
    """Addresses our own mail comes from: mail from them is a loop."""
    return {
        base_address(parseaddr(value)[1])
        for value in (
            settings.DEFAULT_FROM_EMAIL,
            settings.HELPDESK_REPLY_TO,
            settings.SERVER_EMAIL,
        )
        if parseaddr(value)[1]
    }


def thread_references(header_values: list[str]) -> list[tuple[str, int]]:
    """Our Message-IDs among ``In-Reply-To``/``References``: (kind, id), newest first.

    Only kinds we know (``ticket`` and the registered ones) count.
    """
    kinds = "|".join(sorted(_TICKET_OF))
    thread_id_pattern = re.compile(rf"<({kinds})-(\d{{1,12}})@([^>]+)>")
    found: list[tuple[str, int]] = []
    own_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()
    for value in header_values:
        for kind, number, domain in thread_id_pattern.findall(value or ""):
            if domain.lower() == own_domain:
                found.append((kind, int(number)))
    return list(reversed(found))


def referenced_tickets(header_values: list[str]) -> Iterator[int]:
    """The tickets our Message-IDs among ``header_values`` name, newest first.

    Lazy: each id of a registered kind costs its lookup only when reached.
    """
    for kind, number in thread_references(header_values):
        ticket_id = _TICKET_OF[kind](number)
        if ticket_id:
            yield ticket_id
