"""Files attached to a ticket's request or to its messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tickets.models.conversation import Message
from tickets.models.tickets import Ticket


def attachment_key(instance: Attachment, filename: str) -> str:
    """A random storage key: the user's file name is never part of a path."""
    import secrets

    return f"attachments/{instance.organization_id}/{secrets.token_hex(16)}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AttachmentQuerySet:
        """Files of tickets ``user`` may see; customers never get internal files."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        return self.filter(organization_id=user.organization_id, is_internal=False)


class Attachment(models.Model):
    """A file of a ticket: of its original request (no message) or of a message."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_key, max_length=200)
    name = models.CharField("original name", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="attachment_ticket_time")]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return self.name.rpartition(".")[2].lower() if "." in self.name else ""

    @property
    def previewable(self) -> bool:
        return self.extension in PREVIEWABLE


# Shown inline (sandboxed); everything else only downloads.
PREVIEWABLE = {"jpg", "jpeg", "png", "gif", "bmp", "pdf", "txt", "csv"}
