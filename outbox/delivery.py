"""The delivery rules every email shares: what a refusal means and when to try again."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.conf import settings


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
