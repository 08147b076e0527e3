"""The email of a notification: text and HTML parts, threaded per ticket.

Every email of a ticket carries ``In-Reply-To``/``References`` to one root
id per ticket, so mail clients show a ticket as one conversation. Nothing a
user wrote reaches a header unflattened: subjects lose line breaks and are
cut to a sane length (Django also refuses newlines in headers).
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from inbound.addresses import reply_address
from notifications.models import Kind, Notification
from tickets.models import Message, TicketEvent


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "helpdesk.local"


def thread_id(ticket_id: int) -> str:
    return f"<ticket-{ticket_id}@{_domain()}>"


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
        return (
            Message.objects.filter(
                ticket_id=event.ticket_id,
                author_id=event.actor_id,
                created_at=event.created_at,
                is_internal=False,
            )
            .select_related("author")
            .first()
        )
    return None


def build_email(notification: Notification) -> EmailMultiAlternatives:
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
    }
    subject = one_line(f"[#{ticket.pk}] {ticket.subject}")
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        # The ticket's own reply address: a reply threads even without In-Reply-To.
        reply_to=[reply_address(ticket.pk)],
        headers={
            # Stable per notification: a resend after a crash can be told apart.
            "Message-ID": f"<notification-{notification.pk}@{_domain()}>",
            "In-Reply-To": thread_id(ticket.pk),
            "References": thread_id(ticket.pk),
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-Helpdesk-Ticket": str(ticket.pk),
        },
    )
    email.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return email
