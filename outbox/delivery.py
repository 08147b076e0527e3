"""The delivery rules every email shares: what a refusal means and when to try again."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

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
