"""The one way mail comes in: ``email_ingest`` (IMAP poller and MTA pipe alike).

1. ``email_store`` keeps the raw message first, keyed by Message-ID (or its
   SHA-256): the same message twice gives the first row back and nothing else.
2. ``email_process`` claims the row (a conditional UPDATE, so two workers never
   handle it twice) and routes it in one transaction: a reply on its ticket, a
   new ticket, quarantine, or ignored as automatic mail. Any error rolls the
   routing back and leaves the row *failed* with the error, for support admins
   to see and retry.

Where a message goes is ``inbound.routing``'s answer (threading, the support
address, whether its From is believed); whatever threads, only a user of the
ticket's organisation (or support staff) may add to it. What we answer a
sender by ourselves is ``inbound.replies``.

The To and Cc addresses that are active users of the ticket's organisation
follow the ticket (issue 18), added by the sender, on a new ticket and on a
reply alike; any other address is ignored: no user is made, no other
organisation is reached, and no more than ``parsing.MAX_COPIED`` are read.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Organization, User
from accounts.pins import pin_verify_sender
from inbound import parsing
from inbound.models import InboundEmail, SupportAddress
from inbound.parsing import Parsed
from inbound.replies import refused_files_reply, stranger_reply
from inbound.routing import support_address, threaded_ticket, unauthenticated
from outbox.threads import base_address, own_addresses
from tickets import services
from tickets.attachments.validation import check_files
from tickets.models import Category, Channel, Priority, Ticket

logger = logging.getLogger(__name__)
State = InboundEmail.State


def email_ingest(
    *, raw: bytes, source: str = InboundEmail.Source.PIPE, recipient: str = ""
) -> InboundEmail:
    """Store and handle one raw message; a duplicate is returned as it was."""
    inbound, created = email_store(raw=raw, source=source, recipient=recipient)
    if created:
        email_process(inbound_id=inbound.pk)
        inbound.refresh_from_db()
    return inbound


def email_store(*, raw: bytes, source: str, recipient: str = "") -> tuple[InboundEmail, bool]:
    message_id = parsing.message_id_of(raw)
    key = f"mid:{message_id}" if message_id else f"sha256:{hashlib.sha256(raw).hexdigest()}"
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                dedupe_key=key[:300],
                message_id=message_id,
                raw=raw,
                size=len(raw),
                source=source,
                recipient=recipient.strip().lower()[:254],
            )
            return inbound, True
    except IntegrityError:
        return InboundEmail.objects.get(dedupe_key=key[:300]), False


def email_process(*, inbound_id: int) -> str | None:
    """Handle a stored message once; returns its new state (None if someone else has it)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.HELPDESK_EMAIL_LEASE_SECONDS)
    claimed = InboundEmail.objects.filter(
        Q(state__in=[State.RECEIVED, State.FAILED])
        | Q(state=State.PROCESSING, claimed_at__lt=stale),
        pk=inbound_id,
    ).update(state=State.PROCESSING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    inbound = InboundEmail.objects.get(pk=inbound_id)
    try:
        with transaction.atomic():
            _route(inbound)
    except Exception as error:  # any failure stays visible and retryable
        logger.exception("Could not handle received email %s", inbound_id)
        InboundEmail.objects.filter(pk=inbound_id).update(
            state=State.FAILED,
            error=f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}"[:5000],
            handled_at=timezone.now(),
        )
        return State.FAILED
    return inbound.state


def _done(inbound: InboundEmail, state: str, reason: str, **fields) -> None:
    """Record where the message landed; from now on its raw copy has any PIN masked."""
    inbound.raw = parsing.raw_pin_masked(bytes(inbound.raw))
    inbound.state = state
    inbound.reason = reason[:300]
    inbound.error = ""
    inbound.handled_at = timezone.now()
    for name, value in fields.items():
        setattr(inbound, name, value)
    inbound.save()


def _route(inbound: InboundEmail) -> None:
    parsed = parsing.parse(bytes(inbound.raw))
    inbound.sender = parsed.sender[:254]
    inbound.subject = parsed.subject[:300]
    recipients = ([inbound.recipient] if inbound.recipient else []) + parsed.recipients
    address = support_address(recipients)
    if address is not None and not inbound.recipient:
        inbound.recipient = address.email

    if parsed.from_problem:
        return _done(inbound, State.QUARANTINED, f"Unreadable sender: {parsed.from_problem}.")
    if parsed.automatic:
        return _done(inbound, State.IGNORED, f"Automatic mail: {parsed.automatic}.")
    if (
        base_address(parsed.sender) in own_addresses()
        or SupportAddress.objects.filter(email=base_address(parsed.sender)).exists()
    ):
        return _done(inbound, State.IGNORED, "Sent from one of our own addresses (a loop).")

    sender = (
        User.objects.select_related("organization")
        .filter(email=parsed.sender, is_active=True)
        .first()
        if parsed.sender
        else None
    )
    if sender is not None and sender.organization is not None and not sender.organization.is_active:
        sender = None
    refusal = unauthenticated(bytes(inbound.raw), parsed, sender)
    if refusal:
        return _done(inbound, State.QUARANTINED, refusal)
    ticket = threaded_ticket(parsed, recipients)
    if ticket is not None:
        return _reply(inbound, parsed, ticket, sender)
    if sender is None:
        stranger_reply(inbound, parsed)
        return _done(inbound, State.QUARANTINED, "Unknown sender: no active user has this address.")
    if sender.is_support_staff:
        return _done(
            inbound,
            State.QUARANTINED,
            "Support staff wrote without naming a ticket; open tickets in the workspace.",
        )
    return _new_ticket(inbound, parsed, sender, address)


def _split_files(parsed: Parsed) -> tuple[list[SimpleUploadedFile], list[str]]:
    """Files the attachment rules accept, and a line for each refused one."""
    accepted: list[SimpleUploadedFile] = []
    refused: list[str] = []
    for part in parsed.attachments:
        upload = SimpleUploadedFile(part.name, part.content, content_type=part.content_type)
        try:
            check_files([upload])
        except ValidationError as error:
            refused.append(" ".join(error.messages))
            continue
        upload.seek(0)
        if len(accepted) >= settings.HELPDESK_ATTACHMENT_MAX_FILES:
            refused.append(
                f"{part.name}: at most {settings.HELPDESK_ATTACHMENT_MAX_FILES} files a message."
            )
            continue
        accepted.append(upload)
    return accepted, refused


def _reply(inbound: InboundEmail, parsed: Parsed, ticket: Ticket, sender: User | None) -> None:
    # Who may post is the tenant door's answer, as for every page and endpoint.
    allowed = sender is not None and Ticket.objects.visible_to(sender).filter(pk=ticket.pk).exists()
    if not allowed:
        return _done(
            inbound,
            State.QUARANTINED,
            f"Reply to #{ticket.pk} from an address that is not of its organisation.",
        )
    assert sender is not None
    files, refused = _split_files(parsed)
    body = parsing.pin_masked(parsing.latest_reply(parsed.text))
    if not body:
        if not files:
            return _done(inbound, State.IGNORED, f"An empty reply to #{ticket.pk}.")
        body = "(files attached)"
    reply = services.ticket_reply(
        ticket=ticket,
        author=sender,
        body=body,
        reopen_closed=not sender.is_support_staff,
        files=files,
    )
    _follow_copied(parsed, reply.ticket, sender)
    if refused:
        refused_files_reply(inbound, parsed, refused, reply.ticket)
    where = (
        f"Opened follow-up #{reply.ticket.pk} of closed #{ticket.pk}."
        if reply.followed_up
        else f"Added to #{ticket.pk}" + (" and reopened it." if reply.reopened else ".")
    )
    _done(
        inbound,
        State.REPLY if reply.message else State.TICKET,
        where,
        ticket=reply.ticket,
        posted_message=reply.message,
    )


def _follow_copied(parsed: Parsed, ticket: Ticket, sender: User) -> int:
    """The copied colleagues of the ticket's organisation follow it; returns how
    many were added. A refusal (the cap, the requester) skips that person."""
    if not parsed.copied:
        return 0
    people = (
        User.objects.annotate(address=Lower("email"))
        .filter(
            address__in=parsed.copied[: parsing.MAX_COPIED],
            organization_id=ticket.organization_id,
            role__in=User.CUSTOMER_ROLES,
            is_active=True,
            is_integration=False,
        )
        .exclude(pk__in=[sender.pk, ticket.requester_id])
        .order_by("pk")
    )
    added = 0
    for person in people:
        try:
            added += services.ticket_follow(actor=sender, ticket=ticket, user=person) is not None
        except ValidationError:
            continue
    return added


def _new_ticket(
    inbound: InboundEmail, parsed: Parsed, sender: User, address: SupportAddress | None
) -> None:
    since = timezone.now() - timedelta(hours=1)
    recent = Ticket.objects.filter(
        requester=sender, channel=Channel.EMAIL, created_at__gte=since
    ).count()
    if recent >= settings.HELPDESK_EMAIL_TICKETS_PER_HOUR:
        return _done(
            inbound,
            State.QUARANTINED,
            f"Rate limit: {recent} tickets by email from this sender in the last hour.",
        )
    category = (
        address.category if address and address.category else None
    ) or Category.objects.filter(is_active=True).first()
    if category is None:
        raise ValidationError("No active ticket type to open the ticket with.")
    files, refused = _split_files(parsed)
    description = parsing.pin_masked(parsed.text) or (
        "(no text; see the attached files)" if files else "(empty message)"
    )
    ticket = services.ticket_open(
        actor=sender,
        category=category,
        subject=parsed.subject.strip() or "(no subject)",
        description=description,
        priority=address.priority if address else Priority.NORMAL,
        channel=Channel.EMAIL,
        files=files,
    )
    template = parsing.pin_template(parsed.text)
    verified = template is not None and pin_verify_sender(
        sender=parsed.sender,
        alias=template.alias,
        email=template.username,
        pin=template.pin,
        ticket=ticket,
    )
    services.ticket_record_sender_check(ticket=ticket, verified=verified)
    _follow_copied(parsed, ticket, sender)
    if refused:
        refused_files_reply(inbound, parsed, refused, ticket)
    _done(
        inbound,
        State.TICKET,
        f"Opened #{ticket.pk}" + (" (sender verified by PIN)." if verified else "."),
        ticket=ticket,
    )


@transaction.atomic
def quarantine_to_ticket(
    *, inbound: InboundEmail, organization: Organization, requester: User
) -> Ticket:
    """Support admins: open a ticket from a quarantined message for a chosen user."""
    inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if inbound.state != State.QUARANTINED:
        raise ValidationError("Only a quarantined message can become a ticket.")
    if requester.organization_id != organization.pk or not requester.is_customer:
        raise ValidationError({"requester": "Choose a user of that organisation."})
    parsed = parsing.parse(bytes(inbound.raw))
    address = support_address([inbound.recipient, *parsed.recipients])
    files, _ = _split_files(parsed)
    ticket = services.ticket_open(
        actor=requester,
        category=(address.category if address and address.category else None)
        or Category.objects.filter(is_active=True).first(),
        subject=parsed.subject.strip() or "(no subject)",
        description=parsing.pin_masked(parsed.text) or "(empty message)",
        priority=address.priority if address else Priority.NORMAL,
        channel=Channel.EMAIL,
        files=files,
    )
    services.ticket_record_sender_check(ticket=ticket, verified=False)
    _done(
        inbound,
        State.TICKET,
        f"Opened #{ticket.pk} from quarantine for {requester.email}.",
        ticket=ticket,
    )
    return ticket


def quarantine_discard(*, inbound: InboundEmail) -> None:
    InboundEmail.objects.filter(pk=inbound.pk, state=State.QUARANTINED).update(
        state=State.DISCARDED, handled_at=timezone.now(), raw=b""
    )
