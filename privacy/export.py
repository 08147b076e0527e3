"""Exports: an organisation's data, or one person's own, as a zip of JSON and files.

``export_request`` records the request and queues ``export_build`` (a task;
a broker outage only delays it: ``exports_sweep`` picks up what waits). The
build claims the row, so a duplicated task builds once, writes the zip to a
temporary file in bounded memory (tickets in keyset batches, files copied in
chunks), saves it through the storage backend, audits it and emails the
requester a link. The link is signed and expires, and the download view
checks again that the signed-in user is the requester.

What an organisation's export holds is what its customers can see: its
tickets, their public messages, visible history and files (never internal
notes or internal files), and its people. A personal export holds the
person's profile, sign-in records, tokens, the tickets they requested and
the public messages they wrote, with their files.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from axes.models import AccessLog
from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from accounts.models import ApiToken, Organization, User
from accounts.zones import as_recipient
from notifications.models import EmailOptOut
from outbox.models import Purpose
from outbox.services import email_enqueue
from privacy.files import files_deleted_on_commit
from privacy.models import AuditEntry, DataExport
from tickets.models import Attachment, Message, Ticket, TicketEvent

logger = logging.getLogger(__name__)

BUILD_TASK = "privacy.export_build"
BATCH = 200
# A claimed build that has not finished in this long died with its worker.
STALE_CLAIM = timedelta(hours=1)
# A build that died this many times (it kills its worker) is given up, not retried forever.
MAX_ATTEMPTS = 3
_SALT = "privacy.export.link"


def export_days() -> int:
    return settings.HELPDESK_EXPORT_DAYS


def may_export(actor: User, organization: Organization | None) -> bool:
    """Anyone their own data; a customer admin their organisation's; support admins any."""
    if not actor.is_active:
        return False
    if organization is None:
        return True
    if actor.role == User.Role.SUPPORT_ADMIN:
        return True
    return actor.role == User.Role.ADMIN and actor.organization_id == organization.pk


def _queue(export_id: int) -> None:
    try:
        current_app.send_task(BUILD_TASK, args=[export_id])
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper builds it later
        logger.warning("Could not queue export %s; the sweeper will build it.", export_id)


def export_request(*, actor: User, organization: Organization | None = None) -> DataExport:
    """Ask for an export; one of each kind waits at a time per person (returned again)."""
    if not may_export(actor, organization):
        raise PermissionDenied("You may not export this data.")
    kind = DataExport.Kind.ORGANIZATION if organization else DataExport.Kind.PERSONAL
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one request at a time
        waiting = DataExport.objects.filter(
            requested_by=actor,
            kind=kind,
            organization=organization,
            state__in=[DataExport.State.PENDING, DataExport.State.RUNNING],
        ).first()
        if waiting is not None:
            return waiting
        export = DataExport.objects.create(kind=kind, requested_by=actor, organization=organization)
        transaction.on_commit(partial(_queue, export.pk), robust=True)
    return export


def export_link(export: DataExport) -> str:
    token = signing.dumps({"export": export.pk}, salt=_SALT)
    return settings.SITE_URL + reverse("export_download", args=[token])


def export_from_link(token: str, *, user: User, now: datetime | None = None) -> DataExport:
    """The ready export a link names, for the user who asked for it; ``ValidationError``
    when the link is forged, for someone else, or expired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=timedelta(days=export_days()))
    except signing.BadSignature:
        raise ValidationError(_("This download link is not valid or has expired.")) from None
    export = DataExport.objects.filter(pk=data.get("export"), requested_by=user).first()
    now = now or timezone.now()
    if export is None:
        raise ValidationError(_("This download link is not valid or has expired."))
    if export.state != DataExport.State.READY or (export.expires_at and export.expires_at <= now):
        raise ValidationError(_("This export has expired; ask for a new one."))
    if not may_export(user, export.organization):  # no longer their organisation's admin
        raise ValidationError(_("This download link is not valid or has expired."))
    return export


# Building


def _json(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _person(user: User | None, *, with_email: bool) -> dict[str, Any] | None:
    if user is None:
        return None
    person: dict[str, Any] = {"id": user.pk, "name": user.full_name}
    if with_email and not user.is_support_staff:
        person["email"] = user.email
    return person


def _file_path(attachment: Attachment) -> str:
    try:
        name = get_valid_filename(attachment.name)
    except SuspiciousFileOperation:  # a name of symbols only ("★")
        name = "file"
    return f"files/{attachment.ticket_id}/{attachment.pk}-{name}"


def _ticket_batches(tickets: QuerySet[Ticket]) -> Iterator[list[Any]]:
    """``tickets`` with their public messages and files, in keyset batches."""
    public_messages = Message.objects.filter(is_internal=False).select_related("author")
    public_files = Attachment.objects.filter(is_internal=False)
    visible_events = TicketEvent.objects.filter(is_internal=False).select_related("actor")
    last = 0
    while True:
        batch = list(
            tickets.filter(pk__gt=last)
            .select_related("requester", "assignee", "category")
            .prefetch_related(
                Prefetch("messages", queryset=public_messages, to_attr="public_messages"),
                Prefetch("attachments", queryset=public_files, to_attr="public_files"),
                Prefetch("events", queryset=visible_events, to_attr="visible_events"),
            )
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _ticket_record(ticket: Ticket) -> dict[str, Any]:
    files_of: dict[int | None, list[str]] = {}
    for attachment in ticket.public_files:  # type: ignore[attr-defined]
        files_of.setdefault(attachment.message_id, []).append(_file_path(attachment))
    return {
        "number": ticket.pk,
        "subject": ticket.subject,
        "description": ticket.description,
        "status": ticket.status,
        "priority": ticket.get_priority_display(),
        "category": ticket.category.name,
        "channel": ticket.channel,
        "product": ticket.product,
        "resource": ticket.resource,
        "requester": _person(ticket.requester, with_email=True),
        "assignee": _person(ticket.assignee, with_email=False),
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "files": files_of.get(None, []),
        "messages": [
            {
                "id": message.pk,
                "author": _person(message.author, with_email=True),
                "by_support": message.author.is_support_staff,
                "created_at": message.created_at,
                "body": message.body,
                "files": files_of.get(message.pk, []),
            }
            for message in ticket.public_messages  # type: ignore[attr-defined]
        ],
        "history": [
            {
                "kind": event.kind,
                "from": event.from_value,
                "to": event.to_value,
                "by": _person(event.actor, with_email=False),
                "at": event.created_at,
            }
            for event in ticket.visible_events  # type: ignore[attr-defined]
        ],
    }


def _copy_file(archive: zipfile.ZipFile, attachment: Attachment) -> bool:
    try:
        source = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        logger.warning("Export: file of attachment %s is missing.", attachment.pk)
        return False
    with source, archive.open(_file_path(attachment), "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    return True


def _write_tickets(archive: zipfile.ZipFile, tickets: QuerySet[Ticket], counts: dict) -> None:
    with archive.open("tickets.jsonl", "w", force_zip64=True) as out:
        for batch in _ticket_batches(tickets):
            for ticket in batch:
                record = _ticket_record(ticket)
                out.write(
                    (json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n").encode()
                )
                counts["tickets"] += 1
                counts["messages"] += len(record["messages"])
    for batch in _ticket_batches(tickets):
        for ticket in batch:
            for attachment in ticket.public_files:
                counts["files"] += _copy_file(archive, attachment)


def _write_organization(archive: zipfile.ZipFile, organization: Organization, counts: dict) -> None:
    archive.writestr(
        "organization.json",
        _json(
            {
                "name": organization.name,
                "alias": organization.alias,
                "support_tier": organization.support_tier,
                "service_plan": organization.service_plan,
            }
        ),
    )
    people = User.objects.filter(organization=organization).order_by("pk")
    archive.writestr(
        "users.json",
        _json(
            [
                {
                    "id": user.pk,
                    "name": user.full_name,
                    "email": user.email,
                    "role": user.role,
                    "active": user.is_active,
                    "joined": user.date_joined,
                    "last_login": user.last_login,
                }
                for user in people
            ]
        ),
    )
    counts["users"] = people.count()
    _write_tickets(archive, Ticket.objects.filter(organization=organization), counts)


def _write_personal(archive: zipfile.ZipFile, user: User, counts: dict) -> None:
    archive.writestr(
        "profile.json",
        _json(
            {
                "id": user.pk,
                "name": user.full_name,
                "email": user.email,
                "role": user.role,
                "organization": user.organization.name if user.organization else None,
                "joined": user.date_joined,
                "last_login": user.last_login,
                "language": user.language,
                "time_zone": user.time_zone,
                "support_pin_set_at": user.support_pin_set_at,
                "two_factor_devices": [
                    {"name": device.name, "confirmed": device.confirmed}
                    for device in devices_for_user(user, confirmed=None)
                ],
                "api_tokens": [
                    {
                        "name": token.name,
                        "prefix": token.prefix,
                        "scope": token.scope,
                        "created_at": token.created_at,
                        "expires_at": token.expires_at,
                        "last_used_at": token.last_used_at,
                        "last_used_ip": token.last_used_ip,
                    }
                    for token in ApiToken.objects.filter(user=user)
                ],
                "email_opt_outs": list(
                    EmailOptOut.objects.filter(user=user).values_list("kind", flat=True)
                ),
            }
        ),
    )
    archive.writestr(
        "sign_ins.json",
        _json(
            list(
                AccessLog.objects.filter(username__iexact=user.email)
                .order_by("attempt_time")
                .values("attempt_time", "logout_time", "ip_address", "user_agent")
            )
        ),
    )
    written = Message.objects.filter(author=user, is_internal=False).order_by("pk")
    with archive.open("messages_written.jsonl", "w", force_zip64=True) as out:
        for message in written.values("ticket_id", "created_at", "body").iterator(chunk_size=500):
            out.write(
                (json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n").encode()
            )
    # Their tickets in their organisation: one they left keeps its own (its
    # people wrote there after they went).
    mine = (
        Ticket.objects.filter(requester=user, organization_id=user.organization_id)
        if user.organization_id is not None
        else Ticket.objects.none()
    )
    _write_tickets(archive, mine, counts)
    uploads = Attachment.objects.filter(uploaded_by=user, is_internal=False).exclude(
        ticket__requester=user
    )
    for attachment in uploads.iterator(chunk_size=200):
        counts["files"] += _copy_file(archive, attachment)


README = """This archive was exported from the support desk.

tickets.jsonl       one ticket per line: its fields, public messages and visible history
files/<n>/          the files of ticket <n> (never internal files)
organization.json   the organisation (organisation exports)
users.json          its people (organisation exports)
profile.json        the person's account, tokens and settings (personal exports)
sign_ins.json       the person's sign-ins (personal exports)
messages_written.jsonl  every public message the person wrote (personal exports)

Times are in UTC (ISO 8601).
"""


def _claim(export_id: int, now: datetime) -> DataExport | None:
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=export_id)
            .filter(
                Q(state=DataExport.State.PENDING)
                | Q(state=DataExport.State.RUNNING, claimed_at__lt=now - STALE_CLAIM)
            )
            .select_related("requested_by", "organization")
            .first()
        )
        if export is None:
            return None
        if export.attempts >= MAX_ATTEMPTS:
            export.state = DataExport.State.FAILED
            export.error = f"Gave up after {export.attempts} attempts."
            export.save(update_fields=["state", "error"])
            return None
        export.state = DataExport.State.RUNNING
        export.claimed_at = now
        export.attempts += 1
        export.save(update_fields=["state", "claimed_at", "attempts"])
    return export


def export_build(*, export_id: int, now: datetime | None = None) -> str:
    """Build one export (the task); returns its state, or "skipped" if another has it."""
    now = now or timezone.now()
    export = _claim(export_id, now)
    if export is None:
        return "skipped"
    mine = DataExport.objects.filter(
        pk=export.pk, state=DataExport.State.RUNNING, claimed_at=export.claimed_at
    )
    counts = {"tickets": 0, "messages": 0, "files": 0}
    key = f"exports/{export.pk}-{secrets.token_hex(16)}.zip"
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("README.txt", README)
                if export.kind == DataExport.Kind.ORGANIZATION:
                    assert export.organization is not None
                    _write_organization(archive, export.organization, counts)
                else:
                    _write_personal(archive, export.requested_by, counts)
            size = spool.tell()
            spool.seek(0)
            key = default_storage.save(key, File(spool, name=key))
    except Exception as error:
        logger.exception("Export %s failed.", export.pk)
        mine.update(
            state=DataExport.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return DataExport.State.FAILED
    finished = timezone.now()
    with transaction.atomic():
        # Only the build that holds the claim finishes: one that was taken
        # over (it ran past STALE_CLAIM) leaves no second zip, email or entry.
        if not mine.update(
            state=DataExport.State.READY,
            file=key,
            size=size,
            counts=counts,
            finished_at=finished,
            expires_at=finished + timedelta(days=export_days()),
        ):
            files_deleted_on_commit([key])
            return "superseded"
        AuditEntry.objects.create(
            action=AuditEntry.Action.DATA_EXPORTED,
            actor=export.requested_by,
            actor_role=export.requested_by.role,
            organization=export.organization,
            subject_user_id=None if export.organization else export.requested_by.pk,
            details={"export": export.pk, "kind": export.kind, "size": size, **counts},
        )
        _email_link(export)
    return DataExport.State.READY


def _email_link(export: DataExport) -> None:
    with as_recipient(export.requested_by):
        _email_link_as_recipient(export)


def _email_link_as_recipient(export: DataExport) -> None:
    user = export.requested_by
    what = (
        _("%(organization)s's data") % {"organization": export.organization.name}
        if export.organization
        else _("your personal data")
    )
    body = (
        _("Hello %(name)s,") % {"name": user.full_name}
        + "\n\n"
        + _("The export of %(what)s you asked for is ready. Download it here (sign-in needed):")
        % {"what": what}
        + f"\n\n{export_link(export)}\n\n"
        + _("The link works for you only and expires in %(days)s days.") % {"days": export_days()}
        + "\n"
    )
    email_enqueue(
        purpose=Purpose.DATA_EXPORT,
        to=user.email,
        recipient=user,
        subject=_("Your data export is ready"),
        body=body,
    )


def exports_sweep(*, now: datetime | None = None) -> int:
    """Queue what waits (a broker outage) and delete expired files; returns exports handled."""
    now = now or timezone.now()
    handled = 0
    waiting = DataExport.objects.filter(
        Q(state=DataExport.State.PENDING, created_at__lt=now - timedelta(minutes=2))
        | Q(state=DataExport.State.RUNNING, claimed_at__lt=now - STALE_CLAIM)
    ).values_list("pk", flat=True)
    for export_id in list(waiting[:100]):
        _queue(export_id)
        handled += 1
    expired = DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=now)
    for export in expired[:500]:
        with transaction.atomic():
            DataExport.objects.filter(pk=export.pk).update(state=DataExport.State.EXPIRED, file="")
            if export.file:
                files_deleted_on_commit([export.file.name])
        handled += 1
    return handled
