"""A customer admin's management of their organisation's people.

Every function takes the acting admin and works only inside their
organisation: the users it touches are fetched through
``User.objects.visible_to(admin)`` by the views, and checked again here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from outbox.models import Purpose
from outbox.services import email_enqueue
from tickets.services.followers import followers_end_for


def _require_admin_of(admin: User, user: User | None = None) -> None:
    if admin.role != User.Role.ADMIN or admin.organization_id is None or not admin.is_active:
        raise PermissionDenied("Only an organisation's admins manage its users.")
    if user is not None and user.organization_id != admin.organization_id:
        raise PermissionDenied("That user is not of your organisation.")


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("invitation", args=[uid, token])


@transaction.atomic
def member_invite(*, admin: User, email: str, full_name: str) -> User:
    """Create a user of the admin's organisation and email them a link to set a password.

    The link works once and expires after ``PASSWORD_RESET_TIMEOUT``.
    """
    _require_admin_of(admin)
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if not full_name:
        raise ValidationError({"full_name": _("Name is required.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with that email.")})
    user = User.objects.create_user(
        email, None, full_name=full_name, role=User.Role.MEMBER, organization=admin.organization
    )
    link = invitation_link(user)
    organization = admin.organization
    assert organization is not None  # _require_admin_of: a customer admin has one
    # The invited person has chosen no language yet: the invitation is written
    # in the inviting admin's (this request's), most likely their colleague's too.
    names = {"admin": admin.full_name, "organization": organization.name}
    subject = _("%(admin)s invited you to %(organization)s's support desk") % names
    body = (
        _("Hello %(name)s,") % {"name": full_name}
        + "\n\n"
        + _(
            "%(admin)s invited you to open and follow %(organization)s's support tickets. "
            "Choose your password here:"
        )
        % names
        + f"\n\n{link}\n\n"
        + _("The link works once and expires in a few days.")
        + "\n"
    )
    email_enqueue(purpose=Purpose.INVITATION, to=email, recipient=user, subject=subject, body=body)
    return user


@transaction.atomic
def member_set_admin(*, admin: User, user: User, make_admin: bool) -> None:
    _require_admin_of(admin, user)
    if not make_admin and user.role == User.Role.ADMIN:
        others = (
            User.objects.filter(
                organization_id=admin.organization_id, role=User.Role.ADMIN, is_active=True
            )
            .exclude(pk=user.pk)
            .exists()
        )
        if not others:
            raise ValidationError(_("An organisation keeps at least one active admin."))
    user.role = User.Role.ADMIN if make_admin else User.Role.MEMBER
    user.save(update_fields=["role"])


@transaction.atomic
def member_set_active(*, admin: User, user: User, active: bool) -> None:
    """Deactivate (they can no longer log in; their tickets stay, their follows
    end) or reactivate a user."""
    _require_admin_of(admin, user)
    if user.pk == admin.pk and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    user.is_active = active
    user_save_access(user=user, fields=["is_active"])


# What decides which tickets a person may reach.
ACCESS_FIELDS = frozenset({"is_active", "organization", "role"})


@transaction.atomic
def user_save_access(*, user: User, fields: list[str] | None) -> None:
    """Save a change to ``user``'s access (deactivated, moved to another
    organisation, another role): ``fields`` as ``save(update_fields=...)``
    takes them, ``None`` for every field (the admin's form). Then end what
    they may no longer have: the follows of tickets they no longer belong to
    (``tickets.services.followers_end_for``).

    The one door for it: the organisation page (``member_set_active``) and
    the admin's user form both come here.
    """
    user.save(update_fields=fields)
    followers_end_for(user=user)
