"""Turning ticket events into notifications, and sending their emails.

Delivery is a transactional outbox (DESIGN.md, STYLE.md rule 5):

1. ``tickets.events`` commits each event with its change and queues
   ``process_event`` after commit.
2. ``notifications_for_event`` claims the event (a conditional UPDATE of
   ``notified_at``), writes one row per recipient (and the event's webhook
   deliveries, ``webhooks.services``) in the same transaction, and queues
   one ``send_email`` per row after commit.
3. ``notification_send_email`` claims the row (pending -> sending, with a
   lease), sends, and marks it sent; an SMTP error puts it back to pending
   with a backoff, and after the last attempt it is failed.
4. ``notifications_sweep`` re-queues events and emails left behind (broker
   down, worker crash, lease expired).

Every step is a claim, so a duplicated task or a second worker does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.emails import build_email
from notifications.models import (
    CUSTOMER_KINDS,
    SUPPORT_KINDS,
    EmailOptOut,
    EmailState,
    Kind,
    Notification,
)
from notifications.recipients import recipients_for
from outbox.delivery import claim, send_claimed
from tickets.models import Ticket, TicketEvent, TicketFollower
from webhooks.services import deliveries_for_event

logger = logging.getLogger(__name__)

SEND_EMAIL_TASK = "notifications.send_email"
PROCESS_EVENT_TASK = "notifications.process_event"


def _queue(task: str, object_id: int, **options) -> None:
    try:
        current_app.send_task(task, args=[object_id], **options)
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper tries again
        logger.warning("Could not queue %s(%s); the sweeper will retry.", task, object_id)


def notifications_for_event(*, event_id: int) -> list[int]:
    """Write the notifications of one event, once; returns the new rows' ids.

    Returns [] when the event was already handled (a duplicated task).
    """
    with transaction.atomic():
        now = timezone.now()
        claimed = TicketEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=now
        )
        if not claimed:
            return []
        event = TicketEvent.objects.select_related(
            "ticket", "ticket__assignee", "ticket__organization", "actor"
        ).get(pk=event_id)
        # Webhook deliveries commit with this claim, as the notification rows do.
        deliveries_for_event(event=event)
        recipients = recipients_for(event)
        if not recipients:
            return []
        opted_out = set(
            EmailOptOut.objects.filter(
                user__in=[recipient.user for recipient in recipients]
            ).values_list("user_id", "kind")
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=recipient.user,
                    organization_id=event.organization_id,
                    ticket_id=event.ticket_id,
                    event=event,
                    kind=recipient.kind,
                    as_follower=recipient.as_follower,
                    created_at=now,
                    email_state=(
                        EmailState.PENDING if recipient.wants_email(opted_out) else EmailState.OFF
                    ),
                )
                for recipient in recipients
            ],
            ignore_conflicts=True,
        )
        rows = list(Notification.objects.filter(event=event).values_list("pk", "email_state"))
        for pk, state in rows:
            if state == EmailState.PENDING:
                transaction.on_commit(partial(_queue, SEND_EMAIL_TASK, pk), robust=True)
    return [pk for pk, _ in rows]


def notification_send_email(*, notification_id: int, now: datetime | None = None) -> str:
    """Send one notification's email, at most once; returns what happened.

    ``"sent"``; ``"retry"`` (the SMTP server refused or was away: pending
    again, due after a backoff); ``"failed"`` (out of attempts); or
    ``"skipped"`` (not ours to send: already sent, being sent by another
    worker, off, or not due yet).
    """
    now = now or timezone.now()
    ours = claim(Notification.objects.all(), notification_id, now=now, prefix="email_")
    if ours is None:
        return "skipped"
    notification = Notification.objects.select_related(
        "recipient",
        "recipient__organization",
        "ticket",
        "ticket__organization",
        "event",
        "event__actor",
        "event__message",
    ).get(pk=notification_id)
    reason = undeliverable_reason(notification)
    if reason:
        ours.update(email_state=EmailState.SKIPPED, email_error=reason)
        logger.info("Email of notification %s skipped: %s", notification_id, reason)
        return "ineligible"
    return send_claimed(
        build_email(notification),
        ours,
        attempts=notification.email_attempts,
        now=now,
        what=f"Email of notification {notification_id}",
        prefix="email_",
    )


def undeliverable_reason(notification: Notification) -> str:
    """Why the recipient may no longer get this email, read at the moment of sending.

    Between the act and the send (an SMTP outage can last hours) a user may be
    deactivated, moved to another organisation, lose sight of the ticket, or
    stop following the ticket they were told of only as a follower.
    """
    user = notification.recipient
    if not user.is_active:
        return "The recipient's account is deactivated."
    if user.organization is not None and not user.organization.is_active:
        return "The recipient's organisation is deactivated."
    if not user.is_support_staff and user.organization_id != notification.organization_id:
        return "The recipient is no longer a user of the ticket's organisation."
    if not Ticket.objects.visible_to(user).filter(pk=notification.ticket_id).exists():
        return "The recipient may no longer see the ticket."
    if (
        notification.as_follower
        and not TicketFollower.objects.eligible()
        .filter(ticket_id=notification.ticket_id, user_id=user.pk)
        .exists()
    ):
        return "The recipient no longer follows the ticket."
    message = notification.event.message
    if message is not None and message.is_internal and not user.is_support_staff:
        return "The message is an internal note."
    return ""


def retry_delay_for(notification_id: int) -> float | None:
    """Seconds until a pending email is due again (for the task's own retry)."""
    due = (
        Notification.objects.filter(pk=notification_id, email_state=EmailState.PENDING)
        .values_list("email_next_attempt_at", flat=True)
        .first()
    )
    if due is None:
        return None
    return max(0.0, (due - timezone.now()).total_seconds())


def notifications_sweep(*, now: datetime | None = None, limit: int = 1000) -> tuple[int, int]:
    """Re-queue events and emails the normal path left behind; returns (events, emails).

    Waits ``HELPDESK_OUTBOX_GRACE_SECONDS`` before touching fresh work, so it
    rarely races the normal path (and a race would only be a refused claim).
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.HELPDESK_OUTBOX_GRACE_SECONDS)
    lease = timedelta(seconds=settings.HELPDESK_EMAIL_LEASE_SECONDS)
    events = list(
        TicketEvent.objects.filter(notified_at__isnull=True, created_at__lte=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in events:
        _queue(PROCESS_EVENT_TASK, event_id)
    emails = list(
        Notification.objects.filter(
            Q(
                email_state=EmailState.PENDING,
                email_next_attempt_at__isnull=True,
                created_at__lte=stale,
            )
            | Q(email_state=EmailState.PENDING, email_next_attempt_at__lte=now)
            | Q(email_state=EmailState.SENDING, email_claimed_at__lt=now - lease)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for notification_id in emails:
        _queue(SEND_EMAIL_TASK, notification_id)
    return len(events), len(emails)


def notification_email_retry(*, notification_ids: Iterable[int]) -> int:
    """Support admins: send failed emails again from the start; returns how many.

    Only failed ones move (back to pending, attempts reset, due now); the
    sweeper queues them, and sending claims each as usual.
    """
    return Notification.objects.filter(
        pk__in=list(notification_ids), email_state=EmailState.FAILED
    ).update(
        email_state=EmailState.PENDING,
        email_attempts=0,
        email_next_attempt_at=timezone.now(),
        email_error="",
    )


# --- In-app state and preferences ---------------------------------------------------


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many."""
    rows = Notification.objects.visible_to(user).unread()
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, user, enabled: set[str]) -> None:
    """Keep emails of the kinds in ``enabled`` (of those the user can get); turn off the rest."""
    kinds = kinds_for(user)
    EmailOptOut.objects.filter(user=user).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user=user, kind=kind) for kind in kinds if kind not in enabled]
    )


def kinds_for(user) -> tuple[Kind, ...]:
    return SUPPORT_KINDS if user.is_support_staff else CUSTOMER_KINDS
