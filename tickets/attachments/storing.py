"""Storing checked files: random keys, one row each, nothing left behind on failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.storage import default_storage

from tickets.attachments.quota import attachments_quota_check
from tickets.attachments.validation import CheckedFile
from tickets.models import Attachment, Message, Ticket

# The keys an enclosing ``files_removed_on_error`` collects: a service that
# calls another (a macro's reply, then its tags) must remove the files the
# inner one wrote when a later step of the outer one fails.
_enclosing: ContextVar[list[str] | None] = ContextVar("attachments_written", default=None)


@contextmanager
def files_removed_on_error() -> Iterator[list[str]]:
    """Collect the storage keys written inside; if the block fails, delete them.

    Wrap the transaction that records the files: a rollback then leaves no
    object in storage either. Nested, the keys are also handed to the
    enclosing block, which deletes them should it fail afterwards.
    """
    outer = _enclosing.get()
    written: list[str] = []
    token = _enclosing.set(written)
    try:
        yield written
    except BaseException:
        for key in written:
            default_storage.delete(key)
        raise
    finally:
        _enclosing.reset(token)
        if outer is not None:
            outer.extend(written)


def attachments_store(
    *,
    checked: list[CheckedFile],
    ticket: Ticket,
    message: Message | None,
    uploaded_by,
    written: list[str],
) -> list[Attachment]:
    """Write each file under a random key and record it; appends keys to ``written``.

    Runs inside the transaction that records the message (and holds the
    ticket's lock). The upload quotas are checked first, under the locks
    ``attachments_quota_check`` takes until that transaction ends; a refusal
    raises ``ValidationError`` on ``files`` before anything is written.
    """
    attachments_quota_check(
        checked=checked, organization_id=ticket.organization_id, uploader=uploaded_by
    )
    rows = []
    for item in checked:
        attachment = Attachment(
            ticket=ticket,
            message=message,
            organization_id=ticket.organization_id,
            uploaded_by=uploaded_by,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            is_internal=bool(message and message.is_internal),
        )
        item.upload.seek(0)
        attachment.file.save(item.name, item.upload, save=False)
        written.append(attachment.file.name)
        rows.append(attachment)
    return Attachment.objects.bulk_create(rows)
