"""Upload quotas: stored attachment bytes per uploader and per organisation.

``HELPDESK_ATTACHMENT_QUOTA_USER_BYTES`` and ``HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES``
(0: no limit). The totals are sums over ``Attachment.size``; the check runs in
the transaction that records the files, under row locks that make one
organisation's uploads (and one person's) take turns, so twenty simultaneous
uploads cannot each see room for themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from tickets.attachments.validation import CheckedFile
from tickets.models import Attachment

GB = 1024 * 1024 * 1024
MB = 1024 * 1024


def amount(size: int) -> str:
    """Bytes in the units people read: "1.5 GB", "12 MB", "800 KB"."""
    for unit, name in ((GB, "GB"), (MB, "MB")):
        if size >= unit:
            return f"{size / unit:.2f}".rstrip("0").rstrip(".") + f" {name}"
    return f"{-(-size // 1024)} KB"


def _lock(organization_id: int, uploader: User) -> None:
    """Lock the organisation's row, then the uploader's.

    Lock order: tickets (tickets/locks.py), then the ticket counters
    (tickets/counters.py), then these two rows in this order; elsewhere they
    are locked only by short transactions that take no other row lock (a PIN
    check locks its user), so they close no cycle. Every service therefore stores
    files after its status moves (``tickets.services.conversation``).

    ``no_key=True`` (FOR NO KEY UPDATE) does not wait for the key-share locks
    that inserting a ticket, a message or an attachment takes on the rows it
    references: uploads wait only for each other's quota checks.
    """
    if settings.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES:
        list(
            Organization.objects.select_for_update(no_key=True)
            .filter(pk=organization_id)
            .values_list("pk", flat=True)
        )
    if settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES:
        list(
            User.objects.select_for_update(no_key=True)
            .filter(pk=uploader.pk)
            .values_list("pk", flat=True)
        )


def _used(**owner: int) -> int:
    return Attachment.objects.filter(**owner).aggregate(total=Sum("size"))["total"] or 0


def _names(checked: list[CheckedFile]) -> str:
    return ", ".join(f"“{item.name}”" for item in checked)


def attachments_quota_check(
    *, checked: list[CheckedFile], organization_id: int, uploader: User
) -> None:
    """Refuse ``checked`` if storing them would pass the uploader's or the organisation's quota.

    Must run inside ``transaction.atomic()``, after the ticket's lock and before
    any file is written; the row locks it takes hold until the transaction
    ends, so the files must be recorded in that same transaction. Raises
    ``ValidationError({"files": ...})`` naming the files, the quota and what is used.
    """
    incoming = sum(item.size for item in checked)
    org_quota = settings.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES
    user_quota = settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES
    if not incoming or not (org_quota or user_quota):
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("attachments_quota_check() must run inside transaction.atomic()")
    _lock(organization_id, uploader)
    files = f"{_names(checked)} ({amount(incoming)})"
    if org_quota:
        used = _used(organization_id=organization_id)
        if used + incoming > org_quota:
            if uploader.organization_id == organization_id:
                refusal = _(
                    "%(files)s would take your organisation past its %(quota)s of "
                    "attachments; %(used)s are used."
                )
                whose = ""
            else:
                refusal = _(
                    "%(files)s would take %(organization)s past its %(quota)s of "
                    "attachments; %(used)s are used."
                )
                whose = Organization.objects.get(pk=organization_id).name
            raise ValidationError(
                {
                    "files": refusal
                    % {
                        "files": files,
                        "organization": whose,
                        "quota": amount(org_quota),
                        "used": amount(used),
                    }
                }
            )
    if user_quota:
        used = _used(uploaded_by_id=uploader.pk)
        if used + incoming > user_quota:
            raise ValidationError(
                {
                    "files": _(
                        "%(files)s would take you past your %(quota)s of "
                        "attachments; %(used)s are used."
                    )
                    % {"files": files, "quota": amount(user_quota), "used": amount(used)}
                }
            )
