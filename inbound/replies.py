"""Automatic answers to senders: to a stranger, and about refused files.

Each is recorded as an ``AutoReply`` and sent through the outbox
(``outbox.services.email_enqueue``) in one transaction; a stranger is answered
at most once a day per address (``AutoReply``'s unique key), so a mail loop or
a forged From cannot make us a mail cannon.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from inbound.models import AutoReply, InboundEmail
from inbound.parsing import Parsed
from outbox.models import Purpose
from outbox.services import email_enqueue

STRANGER_SUBJECT = "Your email to support"


def _auto_reply(inbound: InboundEmail, parsed: Parsed, kind: str, subject: str, body: str) -> None:
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if parsed.message_id:
        headers.update({"In-Reply-To": parsed.message_id, "References": parsed.message_id})
    try:
        with transaction.atomic():
            AutoReply.objects.create(
                kind=kind,
                address=parsed.sender,
                day=timezone.localdate(),
                inbound=inbound,
                subject=subject[:300],
                body=body,
                in_reply_to=parsed.message_id,
            )
            email_enqueue(
                purpose=Purpose.AUTO_REPLY,
                to=parsed.sender,
                subject=subject,
                body=body,
                headers=headers,
            )
    except IntegrityError:
        return  # already answered this address today


def stranger_reply(inbound: InboundEmail, parsed: Parsed) -> None:
    if not parsed.sender or "@" not in parsed.sender:
        return
    # A fixed subject and no word of the message: a forged From must not make
    # us carry an attacker's text to someone else.
    body = render_to_string("inbound/stranger_reply.txt", {"site_url": settings.SITE_URL})
    _auto_reply(inbound, parsed, AutoReply.Kind.STRANGER, STRANGER_SUBJECT, body)


def refused_files_reply(inbound: InboundEmail, parsed: Parsed, refused: list[str], ticket) -> None:
    body = render_to_string(
        "inbound/refused_files.txt",
        {"refused": refused, "ticket": ticket, "site_url": settings.SITE_URL},
    )
    _auto_reply(
        inbound,
        parsed,
        AutoReply.Kind.REFUSED_FILES,
        f"[#{ticket.pk}] Files we could not accept",
        body,
    )
