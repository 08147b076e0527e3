"""Reply addresses that carry their ticket, and recognising our own addresses.

Notification emails say ``Reply-To: support+t41.<mac>@example.com``: the
ticket number with a keyed MAC, so a reply threads even when a mail client
drops ``In-Reply-To``, and nobody can forge an address for another ticket.
"""

from __future__ import annotations

import re
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "helpdesk.inbound.reply-token"
_TOKEN = re.compile(r"\+t(\d{1,12})\.([0-9a-f]{12})@", re.IGNORECASE)
_THREAD_ID = re.compile(r"<(ticket|notification)-(\d{1,12})@([^>]+)>")


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
    """Our Message-IDs among ``In-Reply-To``/``References``: (kind, id), newest first."""
    found: list[tuple[str, int]] = []
    own_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()
    for value in header_values:
        for kind, number, domain in _THREAD_ID.findall(value or ""):
            if domain.lower() == own_domain:
                found.append((kind, int(number)))
    return list(reversed(found))
