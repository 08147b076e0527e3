"""The email of a notification: text and HTML parts, threaded per ticket.

Every email of a ticket carries ``In-Reply-To``/``References`` to one root
id per ticket, so mail clients show a ticket as one conversation. Nothing a
user wrote reaches a header unflattened: subjects lose line breaks and are
cut to a sane length (Django also refuses newlines in headers).
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.zones import as_recipient
from inbound.models import InboundEmail
from notifications.acts import ACT_KINDS, act_of
from notifications.models import Kind, Notification
from outbox.threads import message_id, reply_address, thread_id
from tickets.models import Channel, Message, SlaClock, Ticket, TicketEvent
from tickets.satisfaction import email_rating_links

_MESSAGE_ID = re.compile(r"^<[^<>\s]{1,250}>$")

# Our Message-IDs are ``<notification-N@domain>``; ``apps.py`` registers the kind
# with ``outbox.threads`` so that ingestion threads a reply to one onto its ticket.
MESSAGE_KIND = "notification"


def ticket_of_message(number: int) -> int | None:
    """The ticket of notification ``number`` (the N of its Message-ID), if it exists."""
    return Notification.objects.filter(pk=number).values_list("ticket_id", flat=True).first()


def emailed_origin(ticket_id: int) -> str | None:
    """The Message-ID of the customer's email that opened the ticket, if one did."""
    origin = (
        InboundEmail.objects.filter(ticket_id=ticket_id, state=InboundEmail.State.TICKET)
        .exclude(message_id="")
        .order_by("pk")
        .values_list("message_id", flat=True)
        .first()
    )
    return origin if origin and _MESSAGE_ID.match(origin) else None


def one_line(text: str, limit: int = 150) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _quoted(notification: Notification) -> Message | str | None:
    """What the email quotes: the message of the act, or the request itself."""
    event: TicketEvent = notification.event
    if event.message_id:
        return event.message
    if event.kind == TicketEvent.Kind.CREATED:
        return notification.ticket.description
    if notification.kind == Kind.REOPENED:
        # The reopening's act also posted the customer's message: quote it.
        reply = (
            TicketEvent.objects.of_act(event)
            .filter(kind=TicketEvent.Kind.REPLIED, is_internal=False, message__isnull=False)
            .select_related("message__author")
            .order_by("pk")
            .first()
        )
        return reply.message if reply else None
    return None


def solved_notice(ticket: Ticket, *, solved_at: datetime) -> str:
    """What a customer reads when support solves a ticket: when it closes by
    itself, and how to bring it back (seed 000: a reply within 72 hours of
    "solved" returns it to the queue)."""
    delay = settings.HELPDESK_AUTO_CLOSE_AFTER
    hours = round(delay.total_seconds() / 3600)
    local = timezone.localtime(solved_at + delay)
    closes = dateformat.format(local, pgettext("date and time format", "j M Y, H:i"))
    closes = f"{closes} {local:%Z}"
    policy = ticket.organization.ReplyPolicy
    if ticket.organization.reply_policy == policy.FOLLOW_UP:
        after = _("a reply opens a new follow-up ticket linked to this one")
    else:
        after = _("a reply reopens it")
    return _(
        "It will close automatically in %(hours)s hours, on %(closes)s. Not solved for you? "
        "Reply to this email or on the ticket page before then and it goes back to support; "
        "after it has closed, %(after)s."
    ) % {"hours": hours, "closes": closes, "after": after}


def _act_context(notification: Notification) -> dict:
    """What one act of support changed, for the customer's email (one per act)."""
    if notification.kind not in ACT_KINDS:
        return {"changes": [], "solved_notice": "", "replied": False}
    act = act_of(notification.event)
    solved_at = act.solved_at
    return {
        "changes": act.changes(),
        "replied": Kind.SUPPORT_REPLY in act.kinds,
        "solved_notice": solved_notice(notification.ticket, solved_at=solved_at)
        if solved_at
        else "",
    }


def _sla_context(event: TicketEvent) -> dict:
    """The target and due time a service-level warning or breach speaks of."""
    if event.kind not in (TicketEvent.Kind.SLA_WARNING, TicketEvent.Kind.SLA_BREACHED):
        return {}
    return {
        "sla_target": SlaClock.Kind(event.from_value).label.lower(),
        "sla_due": datetime.fromisoformat(event.to_value) if event.to_value else None,
    }


def build_email(notification: Notification) -> EmailMultiAlternatives:
    """The email of ``notification``, written in its recipient's time zone."""
    with as_recipient(notification.recipient):
        return _build_email(notification)


def _build_email(notification: Notification) -> EmailMultiAlternatives:
    ticket = notification.ticket
    event = notification.event
    quoted = _quoted(notification)
    message = quoted if isinstance(quoted, Message) else None
    path = (
        reverse("tickets:message", args=[ticket.pk, message.pk])
        if message
        else ticket.get_absolute_url()
    )
    context = {
        "notification": notification,
        "kind": notification.kind,
        "Kind": Kind,
        "ticket": ticket,
        "actor": event.actor,
        "recipient": notification.recipient,
        "quoted_text": message.body if message else (quoted or ""),
        "link": settings.SITE_URL + path,
        "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
        "site_url": settings.SITE_URL,
        **_act_context(notification),
        **_sla_context(event),
        # Issue 19: the requester's one-click Good / Bad, with the solved notice.
        "rating_links": email_rating_links(ticket, notification.recipient)
        if notification.kind == Kind.SOLVED
        else {},
    }
    subject = one_line(f"[#{ticket.pk}] {ticket.subject}")
    # A ticket that began as an email threads with it in the customer's mail client.
    origin = emailed_origin(ticket.pk) if ticket.channel == Channel.EMAIL else None
    references = f"{origin} {thread_id(ticket.pk)}" if origin else thread_id(ticket.pk)
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        # The ticket's own reply address: a reply threads even without In-Reply-To.
        reply_to=[reply_address(ticket.pk)],
        headers={
            # Stable per notification: a resend after a crash can be told apart.
            "Message-ID": message_id(MESSAGE_KIND, notification.pk),
            "In-Reply-To": origin
            if origin and notification.kind == Kind.RECEIVED
            else thread_id(ticket.pk),
            "References": references,
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-Helpdesk-Ticket": str(ticket.pk),
        },
    )
    email.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return email
