"""Two-factor authentication with TOTP apps, on django-otp.

django-otp keeps the devices and checks the codes (with its replay and
throttling rules); this module decides *who must* give a code and when:

- a user with a confirmed authenticator must enter a code after each login;
- agents and support admins without one must set one up first, when
  ``HELPDESK_REQUIRE_2FA_FOR_STAFF`` is on (the default outside DEBUG).

What a session still owes is worked out once, at login, and kept in the
session, so a page view costs no query for users who owe nothing.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_KEY = "helpdesk_2fa"
VERIFY = "verify"
SET_UP = "set_up"
# Pages a session that still owes a code may open.
OPEN_URL_NAMES = {
    "two_factor_verify",
    "two_factor_setup",
    "logout",
    "healthz",
    "healthz-live",
    "healthz-ready",
}


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def required_for(user) -> bool:
    return bool(user.is_support_staff and settings.HELPDESK_REQUIRE_2FA_FOR_STAFF)


def owed_step(user) -> str | None:
    """What a fresh login of ``user`` must do before anything else, if anything."""
    if confirmed_device(user) is not None:
        return VERIFY
    if required_for(user):
        return SET_UP
    return None


@receiver(user_logged_in, dispatch_uid="helpdesk-two-factor-at-login")
def note_owed_step_at_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    step = owed_step(user)
    if step:
        request.session[SESSION_KEY] = step
    else:
        request.session.pop(SESSION_KEY, None)


def session_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """The code was right: this session is verified with ``device`` and owes nothing."""
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)


class TwoFactorMiddleware:
    """Sends a session that still owes a code to the verify (or set-up) page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if not step or not request.user.is_authenticated:
            return None
        if request.resolver_match and request.resolver_match.url_name in OPEN_URL_NAMES:
            return None
        if request.user.is_verified():
            request.session.pop(SESSION_KEY, None)
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Enter your two-factor code in the browser first.",
                    "code": "two_factor_required",
                },
                status=403,
            )
        target = reverse("two_factor_verify" if step == VERIFY else "two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed authenticator, made on first use, until a code confirms it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def device_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111")


def device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Turn two-factor on with the first right code from the app."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.devices_for_user(request.user, confirmed=False).delete()
    session_verified(request, device)
    return True


def session_verify(*, request: HttpRequest, token: str) -> bool:
    device = confirmed_device(request.user)
    if device is None:
        return False
    verified = verify_token(request.user, device.persistent_id, token.strip())
    if verified is None:
        return False
    session_verified(request, verified)
    return True


def throttled_seconds(user) -> int:
    """How long before the next code will even be checked (django-otp's throttling)."""
    device = confirmed_device(user)
    if device is None:
        return 0
    allowed, details = device.verify_is_allowed()
    if allowed or not details:
        return 0
    locked_until = details.get("locked_until")
    if locked_until is None:
        return 0
    return max(1, int((locked_until - timezone.now()).total_seconds()))


def device_remove(*, request: HttpRequest, token: str) -> bool:
    """Turn two-factor off, with a current code; never for staff who must keep it."""
    if required_for(request.user):
        return False
    device = confirmed_device(request.user)
    if device is None or verify_token(request.user, device.persistent_id, token.strip()) is None:
        return False
    TOTPDevice.objects.devices_for_user(request.user, confirmed=None).delete()
    request.session.pop(SESSION_KEY, None)
    return True
