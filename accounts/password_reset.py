"""Password reset by email: through the outbox, and throttled.

Django's form sends the email itself (lost if SMTP is down); ours puts it in
the outbox like every other email. Requests are limited per address (counted
in the outbox, so it holds across processes) and per client (counted in the
cache, which fails open). A refused request for an address looks exactly like
an accepted one, so the page never tells whether an account exists; and
every request takes at least ``HELPDESK_PASSWORD_RESET_MIN_MS``, so
neither does the time it takes (an address with an account renders and
queues an email, a few milliseconds more than one without).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.backends import client_address, login_lock
from accounts.zones import as_recipient
from outbox.models import OutboundEmail, Purpose
from outbox.services import email_enqueue

logger = logging.getLogger(__name__)


def _recent_resets(address: str) -> int:
    since = timezone.now() - timedelta(hours=1)
    return OutboundEmail.objects.filter(
        purpose=Purpose.PASSWORD_RESET, to__iexact=address, created_at__gte=since
    ).count()


class OutboxPasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        with as_recipient(context.get("user")):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
            html = (
                loader.render_to_string(html_email_template_name, context)
                if html_email_template_name
                else ""
            )
        # Count and enqueue under the account's row lock (the login's lock), so
        # twenty requests at once see each other's emails.
        with transaction.atomic():
            login_lock(to_email)
            if _recent_resets(to_email) >= settings.HELPDESK_PASSWORD_RESETS_PER_HOUR:
                logger.info("Password reset for an address over its hourly limit: not sent.")
                return
            email_enqueue(
                purpose=Purpose.PASSWORD_RESET,
                to=to_email,
                recipient=context.get("user"),
                subject=subject,
                body=body,
                html_body=html,
            )


def _client_over_limit(request) -> bool:
    """Count this client's requests in the last hour; True once past the limit."""
    key = f"password-reset:{client_address(request)}"
    try:
        cache.add(key, 0, timeout=60 * 60)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - the cache is down: fail open, as the API does
        logger.warning("Password reset throttling is off: the cache cannot be reached.")
        return False
    return count > settings.HELPDESK_PASSWORD_RESETS_PER_CLIENT_HOUR


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm

    def post(self, request, *args, **kwargs):
        if _client_over_limit(request):
            return render(
                request,
                "registration/password_reset_form.html",
                {
                    "form": self.get_form(),
                    "throttled": _(
                        "Too many password reset requests from your network. Try again in an hour."
                    ),
                },
                status=429,
            )
        started = time.monotonic()
        response = super().post(request, *args, **kwargs)
        # Answer no sooner than the floor, whatever the address: the work done
        # for a real account stays well inside it.
        remaining = settings.HELPDESK_PASSWORD_RESET_MIN_MS / 1000 - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        return response
