"""Support PINs: setting one, resetting one, and verifying a caller (seed 000).

A PIN is stored hashed with Django's password hashers and never shown again.
Verification answers only "verified" or "not verified", doing the same work
(one hash check) whether the alias, the email or the PIN was wrong, so
neither the answer nor its timing tells which. Five failed tries for one
user within 15 minutes lock verification for that user for 15 minutes.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PinChange, PinCheck, User
from accounts.zones import as_recipient
from outbox.models import Purpose
from outbox.services import email_enqueue

# Hashing a PIN for a user who does not exist costs as much as a real check.
_DUMMY_HASH = make_password("not-a-pin-0000")


def pin_rules_check(pin: str) -> str:
    """The PIN if it follows the rules; ``ValidationError`` on ``pin`` naming the rule."""
    pin = (pin or "").strip()
    if not pin.isdigit() or not pin.isascii():
        raise ValidationError({"pin": _("A PIN has digits only.")})
    if not 6 <= len(pin) <= 8:
        raise ValidationError(
            {"pin": _("A PIN has 6 to 8 digits (this one has %(count)d).") % {"count": len(pin)}}
        )
    if len(set(pin)) == 1:
        raise ValidationError({"pin": _("A PIN cannot be one digit repeated.")})
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {-1}):
        raise ValidationError({"pin": _("A PIN cannot be a run of digits like 123456.")})
    return pin


@transaction.atomic
def pin_set(*, user: User, pin: str) -> None:
    """Set or change the user's own PIN (customers only)."""
    if not user.is_customer:
        raise ValidationError(_("Support PINs are for customers."))
    pin = pin_rules_check(pin)
    kind = PinChange.Kind.CHANGED if user.support_pin else PinChange.Kind.SET
    user.support_pin = make_password(pin)
    user.support_pin_set_at = timezone.now()
    user.save(update_fields=["support_pin", "support_pin_set_at"])
    PinChange.objects.create(user=user, actor=user, kind=kind)
    # If it was not them, they hear of it at once, in their language and zone.
    with as_recipient(user):
        when = f"{timezone.localtime(user.support_pin_set_at):%Y-%m-%d %H:%M %Z}"
        if kind == PinChange.Kind.CHANGED:
            subject = _("Your support PIN was changed")
            said = _("Your support PIN was changed on %(when)s.") % {"when": when}
        else:
            subject = _("Your support PIN was set")
            said = _("Your support PIN was set on %(when)s.") % {"when": when}
        body = (
            _("Hello %(name)s,") % {"name": user.full_name}
            + "\n\n"
            + said
            + " "
            + _("If this was not you, change your password and your PIN now, and tell support.")
            + "\n"
        )
    email_enqueue(
        purpose=Purpose.PIN_CHANGED, to=user.email, recipient=user, subject=subject, body=body
    )


@transaction.atomic
def pin_reset(*, user: User, actor: User | None = None) -> None:
    """A support admin clears the user's PIN; the user is told by email to set a new one."""
    user.support_pin = ""
    user.support_pin_set_at = None
    user.save(update_fields=["support_pin", "support_pin_set_at"])
    PinChange.objects.create(user=user, actor=actor, kind=PinChange.Kind.RESET)
    link = settings.SITE_URL + reverse("profile")
    with as_recipient(user):
        subject = _("Your support PIN was reset")
        body = (
            _("Hello %(name)s,") % {"name": user.full_name}
            + "\n\n"
            + _(
                "Support reset your support PIN. Please set a new one on your profile page "
                "before you next call or email support:"
            )
            + f"\n\n{link}\n"
        )
    email_enqueue(
        purpose=Purpose.PIN_RESET, to=user.email, recipient=user, subject=subject, body=body
    )


def pin_lockout_clear(*, user: User) -> None:
    """Let verification for ``user`` start afresh (support admins)."""
    user.pin_lockout_cleared_at = timezone.now()
    user.save(update_fields=["pin_lockout_cleared_at"])


def is_locked_out(user: User, *, now=None) -> bool:
    now = now or timezone.now()
    window = timedelta(minutes=settings.HELPDESK_PIN_LOCKOUT_MINUTES)
    since = now - window
    if user.pin_lockout_cleared_at and user.pin_lockout_cleared_at > since:
        since = user.pin_lockout_cleared_at
    failures = PinCheck.objects.filter(
        user=user, verified=False, created_at__gt=since, created_at__lte=now
    ).count()
    return failures >= settings.HELPDESK_PIN_MAX_FAILURES


def pin_verify(*, agent: User, alias: str, email: str, pin: str, ticket=None) -> bool:
    """Is the caller who they say? Only support staff may ask; every try is recorded."""
    if not agent.is_support_staff:
        raise ValidationError(_("Only support verifies callers."))
    return _pin_check(agent=agent, alias=alias, email=email, pin=pin, ticket=ticket)


def pin_verify_sender(*, sender: str, alias: str, email: str, pin: str, ticket=None) -> bool:
    """Does an email carry its sender's own alias, username and PIN (seed 000's template)?

    The same check, counting and lockout as a call; the username must also be
    the address the email came from, so quoting someone else's PIN proves nothing.
    """
    if (email or "").strip().lower() != (sender or "").strip().lower():
        # Someone else's username: no check at all, so nobody can lock another
        # user's PIN verification by writing their name in an email.
        return False
    return _pin_check(agent=None, alias=alias, email=email, pin=pin, ticket=ticket)


def _pin_check(*, agent: User | None, alias: str, email: str, pin: str, ticket) -> bool:
    alias_given = (alias or "").strip()
    email_given = (email or "").strip()
    user = (
        User.objects.filter(
            email__iexact=email_given,
            organization__alias__iexact=alias_given,
            organization__is_active=True,
            is_active=True,
        )
        .only("pk")
        .first()
    )
    record = {
        "agent": agent,
        "alias": alias_given[:40],
        "email": email_given[:254],
        "ticket": ticket,
    }
    if user is None:
        check_password((pin or "").strip(), _DUMMY_HASH)  # the same work as a real check
        PinCheck.objects.create(user=None, verified=False, **record)
        return False
    check, stored, locked = _pin_try_reserve(user_id=user.pk, record=record)
    matches = check_password((pin or "").strip(), stored or _DUMMY_HASH)  # always one hash
    if locked or not stored or not matches:
        return False
    PinCheck.objects.filter(pk=check.pk).update(verified=True)
    return True


def _pin_try_reserve(*, user_id: int, record: dict) -> tuple[PinCheck, str, bool]:
    """Count and decide under the user's row lock, before any PIN is compared.

    The try is written as a failure while the lock is held, and only turned
    into a success after the PIN matched: so however many checks race, each
    sees every earlier one, at most ``HELPDESK_PIN_MAX_FAILURES`` are ever
    compared in a window, and a check cut short counts as a failure.
    Returns the recorded try, the stored PIN hash and whether it was locked out.
    """
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .only("pk", "support_pin", "pin_lockout_cleared_at")
            .get(pk=user_id)
        )
        locked = is_locked_out(user)
        check = PinCheck.objects.create(user=user, verified=False, locked_out=locked, **record)
    return check, user.support_pin, locked
