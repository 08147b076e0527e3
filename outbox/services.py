"""Queueing and sending the outbox's emails (``outbox.models``).

``email_enqueue`` writes the row inside the caller's transaction and queues
its send after commit; ``outbound_send`` claims it (pending -> sending, with
a lease), re-checks the recipient, sends, and marks it sent at once;
``outbound_sweep`` re-queues what a broker outage or a crash left behind.
Every step is a claim, so a second worker or a duplicated task does nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox.delivery import claim, send_claimed
from outbox.models import OutboundEmail, Purpose, State
from outbox.threads import message_domain

logger = logging.getLogger(__name__)

SEND_TASK = "outbox.send"


def _queue(email_id: int) -> None:
    try:
        current_app.send_task(SEND_TASK, args=[email_id])
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper sends it later
        logger.warning("Could not queue email %s; the sweeper will send it.", email_id)


def _message_id() -> str:
    return f"<outbox-{uuid.uuid4().hex}@{message_domain()}>"


def email_enqueue(
    *,
    purpose: Purpose,
    to: str,
    subject: str,
    body: str,
    recipient=None,
    html_body: str = "",
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Put one email in the outbox; it is sent after the caller's transaction commits.

    ``recipient`` (a user) is re-checked at sending: an inactive user gets nothing.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.create(
            purpose=purpose,
            to=to.strip()[:254],
            recipient=recipient,
            subject=" ".join(subject.split())[:300],
            body=body,
            html_body=html_body,
            headers=headers or {},
            message_id=_message_id(),
        )
        transaction.on_commit(partial(_queue, email.pk), robust=True)
    return email


def _undeliverable_reason(email: OutboundEmail) -> str:
    user = email.recipient
    if user is None:
        return ""
    if not user.is_active:
        return "The recipient's account is deactivated."
    if user.organization is not None and not user.organization.is_active:
        return "The recipient's organisation is deactivated."
    if user.email.lower() != email.to.lower():
        return "The recipient's address changed since this email was written."
    return ""


def outbound_send(*, email_id: int, now: datetime | None = None) -> str:
    """Send one outbox email at most once: ``sent``, ``retry``, ``failed``,
    ``ineligible`` (the recipient may no longer get it) or ``skipped`` (not ours now)."""
    now = now or timezone.now()
    ours = claim(OutboundEmail.objects.all(), email_id, now=now)
    if ours is None:
        return "skipped"
    email = OutboundEmail.objects.select_related("recipient", "recipient__organization").get(
        pk=email_id
    )
    reason = _undeliverable_reason(email)
    if reason:
        ours.update(state=State.SKIPPED, error=reason)
        return "ineligible"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return send_claimed(
        message, ours, attempts=email.attempts, now=now, what=f"Outgoing email {email_id}"
    )


def outbound_retry_delay(email_id: int) -> float | None:
    """Seconds until a pending email is due again (for the task's own retry)."""
    due = (
        OutboundEmail.objects.filter(pk=email_id, state=State.PENDING)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return None if due is None else max(0.0, (due - timezone.now()).total_seconds())


def outbound_sweep(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Re-queue emails left pending or whose sender died; returns how many."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.HELPDESK_OUTBOX_GRACE_SECONDS)
    lease = timedelta(seconds=settings.HELPDESK_EMAIL_LEASE_SECONDS)
    due = list(
        OutboundEmail.objects.filter(
            Q(state=State.PENDING, next_attempt_at__isnull=True, created_at__lte=stale)
            | Q(state=State.PENDING, next_attempt_at__lte=now)
            | Q(state=State.SENDING, claimed_at__lt=now - lease)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in due:
        _queue(email_id)
    return len(due)


def outbound_retry(*, email_ids) -> int:
    """Support admins: send failed emails again from the start; returns how many."""
    return OutboundEmail.objects.filter(pk__in=list(email_ids), state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), error=""
    )
