"""Where an incoming message goes: which support address it was sent to, which
ticket it answers, and whether its From may be believed (``inbound.services``
routes with these).

Replies thread by the reply address of our notifications, then by
``In-Reply-To``/``References`` to our Message-IDs, then by ``[#n]`` in the
subject; a reply to a ticket merged into another lands in that other
(issue 18: threading follows the merge).
"""

from __future__ import annotations

import re

from django.conf import settings

from accounts.models import User
from inbound import authenticity
from inbound.models import SupportAddress
from inbound.parsing import Parsed
from outbox.threads import base_address, own_addresses, referenced_tickets, ticket_from_address
from tickets.models import Ticket
from tickets.selectors import merge_destination

SUBJECT_TAG = r"\[#(\d{1,12})\]"


def _support_domains() -> set[str]:
    emails = own_addresses() | set(SupportAddress.objects.values_list("email", flat=True))
    return {address.rpartition("@")[2] for address in emails if "@" in address}


def unauthenticated(raw: bytes, parsed: Parsed, sender: User | None) -> str:
    """Why this message may not post as its From, or '' if it may; an
    unauthenticated message's copied addresses are dropped from ``parsed``.

    A From whose domain fails DMARC never posts. Mail claiming to be support
    (a staff user, or any address of our own domains) posts only with DKIM
    aligned to its From and only where the deployment enables replies by
    email from support; otherwise anyone could write as an agent.
    """
    verdict = authenticity.judge(raw, parsed.sender)
    if not verdict.authenticated:
        # Mail that may not be from its From posts as it (the desk allows it),
        # but subscribes nobody: a forged From could otherwise sign colleagues
        # up to a ticket's emails by copying them (issue 18's followers).
        parsed.copied = []
    if verdict.dmarc_failed:
        return f"Forged sender: {verdict.summary()}."
    if settings.HELPDESK_EMAIL_REQUIRE_AUTH and not verdict.authenticated:
        return f"Unauthenticated sender ({verdict.summary()}); this desk requires DMARC or DKIM."
    domain = parsed.sender.rpartition("@")[2]
    claims_support = (sender is not None and sender.is_support_staff) or (
        domain in _support_domains()
    )
    if claims_support:
        if not settings.HELPDESK_EMAIL_AGENT_REPLIES:
            return "Mail from a support address; replies by email from support are turned off."
        if not verdict.dkim_aligned:
            return (
                f"Mail from a support address without DKIM aligned to {domain} "
                f"({verdict.summary()})."
            )
    return ""


def support_address(recipients: list[str]) -> SupportAddress | None:
    bases = [base_address(address) for address in recipients if address]
    if not bases:
        return None
    found = {a.email: a for a in SupportAddress.objects.filter(email__in=bases, is_active=True)}
    for base in bases:
        if base in found:
            return found[base]
    return None


def threaded_ticket(parsed: Parsed, recipients: list[str]) -> Ticket | None:
    """The ticket a message answers: by our reply address, then by the Message-IDs
    it references, then by ``[#n]`` in its subject; None for a new request. A
    merged ticket answers with the ticket it was merged into."""
    ticket = _threaded(parsed, recipients)
    return merge_destination(ticket) if ticket is not None else None


def _threaded(parsed: Parsed, recipients: list[str]) -> Ticket | None:
    for address in recipients:
        ticket_id = ticket_from_address(address)
        if ticket_id is not None:
            return Ticket.objects.select_related("organization").filter(pk=ticket_id).first()
    # A ticket's root Message-ID, or one of a kind an app registered (a notification's).
    for ticket_id in referenced_tickets(parsed.references):
        ticket = Ticket.objects.select_related("organization").filter(pk=ticket_id).first()
        if ticket is not None:
            return ticket
    tag = re.search(SUBJECT_TAG, parsed.subject)
    if tag:
        return Ticket.objects.select_related("organization").filter(pk=int(tag.group(1))).first()
    return None
