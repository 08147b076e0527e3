"""The delivery rules every email shares: claiming a row, what a refusal means
and when to try again.

Both outboxes (``outbox.OutboundEmail`` and ``notifications.Notification``)
keep the same delivery columns, the notification's prefixed with ``email_``:
``state``, ``attempts``, ``next_attempt_at``, ``claimed_at``, ``sent_at`` and
``error``; ``claim`` and ``send_claimed`` work on either through that prefix.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def send_and_mark(message: EmailMessage, mark_sent: Callable[[], object]) -> None:
    """Send ``message`` and call ``mark_sent`` the moment the server has said 250.

    SMTP cannot deliver exactly once: if this process dies after the server
    accepted the message but before ``mark_sent`` has committed, the sweeper
    sends it again (with the same Message-ID, so mail clients show one). That
    window is kept as small as the protocol allows: the connection is opened
    here so that Django does not say QUIT (a whole round trip to the server)
    before we record the send, and ``mark_sent`` must be one autocommitted
    statement, called outside any transaction.

    Raises what the backend raises when the server refuses or is away; then
    nothing was marked.
    """
    connection = get_connection()
    connection.open()
    try:
        message.connection = connection
        message.send()
        mark_sent()
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError) as error:  # the email is sent already
            logger.warning("Closing the SMTP connection failed after a send: %s", error)


def is_permanent(error: Exception) -> bool:
    """An SMTP 5xx answer: the server will never take this email, so no retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from ``HELPDESK_EMAIL_RETRY_BASE_SECONDS``, at most six hours."""
    base = settings.HELPDESK_EMAIL_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 60 * 60))


def out_of_attempts(attempts: int) -> bool:
    return attempts >= settings.HELPDESK_EMAIL_MAX_ATTEMPTS


def claim(rows: QuerySet, pk: int, *, now: datetime, prefix: str = "") -> QuerySet | None:
    """Claim row ``pk`` of ``rows`` for sending: pending and due, or held by a
    sender whose lease ran out. One conditional UPDATE, so two workers never
    both win. Returns the queryset of exactly this claim (to mark the outcome
    only while it is still ours), or None if the row is not ours to send.
    """
    state, next_at, claimed_at, attempts = (
        f"{prefix}{name}" for name in ("state", "next_attempt_at", "claimed_at", "attempts")
    )
    lease = timedelta(seconds=settings.HELPDESK_EMAIL_LEASE_SECONDS)
    claimable = Q(**{state: "pending"}) & (
        Q(**{f"{next_at}__isnull": True}) | Q(**{f"{next_at}__lte": now})
    ) | Q(**{state: "sending", f"{claimed_at}__lt": now - lease})
    won = rows.filter(claimable, pk=pk).update(
        **{state: "sending", claimed_at: now, attempts: F(attempts) + 1}
    )
    if not won:
        return None
    return rows.filter(pk=pk, **{state: "sending", claimed_at: now})


def send_claimed(
    message: EmailMessage,
    ours: QuerySet,
    *,
    attempts: int,
    now: datetime,
    what: str,
    prefix: str = "",
) -> str:
    """Send a claimed row's ``message`` and record the outcome on ``ours``:
    ``"sent"``; ``"retry"`` (refused for now or the server is away: pending
    again after a backoff); ``"failed"`` (refused for good, or out of attempts).
    """
    state, error_field = f"{prefix}state", f"{prefix}error"
    try:
        send_and_mark(
            message,
            lambda: ours.update(
                **{state: "sent", f"{prefix}sent_at": timezone.now(), error_field: ""}
            ),
        )
    except (smtplib.SMTPException, OSError) as error:
        if is_permanent(error) or out_of_attempts(attempts):
            ours.update(**{state: "failed", error_field: str(error)[:2000]})
            logger.error("%s failed for good: %s", what, error)
            return "failed"
        ours.update(
            **{
                state: "pending",
                f"{prefix}next_attempt_at": now + retry_delay(attempts),
                error_field: str(error)[:2000],
            }
        )
        return "retry"
    return "sent"


def send_or_come_back(
    task, row_id: int, send: Callable[..., str], due_in: Callable[[int], float | None]
) -> str:
    """The body of a bound Celery send task: ``send`` the row and, when the
    server refused for now (``"retry"``), queue the task again for when the
    row is due (``due_in`` seconds). Returns the send's outcome."""
    outcome = send(row_id)
    if outcome == "retry":
        delay = due_in(row_id)
        if delay is not None:
            task.apply_async(args=[row_id], countdown=delay)
    return outcome
