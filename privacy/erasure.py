"""Erasing a person: their identity goes, the organisation's history stays.

``user_erase`` replaces the user's name and email, keeps their messages under
"Former user" (so counts, response times and the organisation's tickets
survive), optionally deletes the files they uploaded, ends their sessions and
deletes their API tokens, support PIN and two-factor devices. Their old name
and email are also taken out of every text that quotes them where a search or
an export could find them again: ticket subjects and descriptions, messages,
history, the search documents, stored inbound and outbound email, and PIN
checks. All of it happens in one transaction, under the user's row lock, and
is recorded in the audit log (``privacy.models.AuditEntry``).

Which texts are searched for the old name and email:

- a customer's: every ticket of their organisation (nobody outside it has
  seen their tickets);
- a support engineer's: every ticket they requested, wrote in, were assigned
  or acted on.

The words of their name (first name, last name) are replaced too, but only
where they most likely mean this person: in the tickets they requested and in
what they wrote themselves ("Hi Alice," in a reply to Alice's ticket).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from accounts.models import ApiToken, PinCheck, User
from accounts.models.users import ERASED_EMAIL_DOMAIN
from inbound.models import AutoReply, InboundEmail
from notifications.models import EmailOptOut, Notification
from outbox.models import OutboundEmail, State
from privacy.models import AuditEntry
from tickets.models import Attachment, Macro, Message, Ticket, TicketEvent
from tickets.services.common import notes_document_refresh, search_document_refresh

# What stands in for the person, in their account and in texts that named them.
FORMER_NAME = "Former user"
EMAIL_PLACEHOLDER = "[email removed]"
# Words of a name shorter than this are left alone ("Li", "Jo"): replacing them
# would mangle unrelated text more often than it hides anyone.
MIN_NAME_WORD = 3


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


def may_erase(actor: User, user: User) -> bool:
    """Whether ``actor`` may erase ``user``: support admins anyone but a
    superuser; a customer admin their own organisation's customers; nobody
    themselves."""
    if not actor.is_active or actor.pk == user.pk or user.is_superuser:
        return False
    if actor.role == User.Role.SUPPORT_ADMIN:
        return True
    return (
        actor.role == User.Role.ADMIN
        and actor.organization_id is not None
        and user.organization_id == actor.organization_id
        and user.is_customer
    )


@dataclass
class _Scrubber:
    """Replaces one person's name and email in texts."""

    name: str
    email: str
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._email = re.compile(re.escape(self.email), re.IGNORECASE) if self.email else None
        parts = [re.escape(part) for part in self.name.split()]
        self._name = re.compile(r"\s+".join(parts), re.IGNORECASE) if parts else None
        self.words = [part for part in self.name.split() if len(part) >= MIN_NAME_WORD]
        self._words = (
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.words) + r")\b", re.I)
            if self.words
            else None
        )

    def __call__(self, text: str, *, words: bool = False) -> str:
        if not text:
            return text
        if self._email is not None:
            text = self._email.sub(EMAIL_PLACEHOLDER, text)
        if self._name is not None:
            text = self._name.sub(FORMER_NAME, text)
        if words and self._words is not None:
            text = self._words.sub(FORMER_NAME, text)
        return text

    def candidates(self, column: str, *, words: bool = False) -> Q:
        """Rows whose ``column`` may hold the name or email (a superset)."""
        condition = Q(**{f"{column}__icontains": self.email})
        if self.name.strip():
            condition |= Q(**{f"{column}__icontains": self.name.split()[0]})
        if words:
            for word in self.words:
                condition |= Q(**{f"{column}__icontains": word})
        return condition


def _ticket_scope(user: User) -> Q:
    """The tickets whose texts may name ``user`` (see the module's docstring)."""
    if user.is_customer:
        return Q(organization_id=user.organization_id)
    return (
        Q(requester=user)
        | Q(assignee=user)
        | Q(pk__in=Message.objects.filter(author=user).values("ticket_id"))
        | Q(pk__in=TicketEvent.objects.filter(actor=user).values("ticket_id"))
    )


def _end_sessions(user: User) -> int:
    """Delete every live session of ``user`` (from the cache too)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key")
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def _scrub_tickets(user: User, scrub: _Scrubber) -> tuple[set[int], int]:
    """Scrub the tickets in scope; returns the tickets changed and the messages changed."""
    scope = Ticket.objects.filter(_ticket_scope(user))
    requested = set(Ticket.objects.filter(requester=user).values_list("pk", flat=True))
    changed: set[int] = set(requested)

    tickets = scope.filter(
        scrub.candidates("subject", words=True) | scrub.candidates("description", words=True)
    ).only("pk", "subject", "description")
    for ticket in tickets.iterator(chunk_size=500):
        words = ticket.pk in requested
        subject, description = (
            scrub(ticket.subject, words=words),
            scrub(ticket.description, words=words),
        )
        if (subject, description) != (ticket.subject, ticket.description):
            Ticket.objects.filter(pk=ticket.pk).update(subject=subject, description=description)
            changed.add(ticket.pk)

    messages_changed = 0
    messages = (
        Message.objects.filter(Q(ticket__in=scope) | Q(author=user))
        .filter(scrub.candidates("body", words=True))
        .only("pk", "ticket_id", "author_id", "body")
    )
    for message in messages.iterator(chunk_size=500):
        words = message.author_id == user.pk or message.ticket_id in requested
        body = scrub(message.body, words=words)
        if body != message.body:
            Message.objects.filter(pk=message.pk).update(body=body)
            changed.add(message.ticket_id)
            messages_changed += 1
    changed.update(Message.objects.filter(author=user).values_list("ticket_id", flat=True))

    # History names people by their name at the time (assignments).
    events = TicketEvent.objects.filter(
        Q(from_value__iexact=scrub.name) | Q(to_value__iexact=scrub.name)
    )
    if user.is_customer:
        events = events.filter(organization_id=user.organization_id)
    events.filter(from_value__iexact=scrub.name).update(from_value=FORMER_NAME)
    events.filter(to_value__iexact=scrub.name).update(to_value=FORMER_NAME)
    return changed, messages_changed


def _scrub_mail(user: User, scrub: _Scrubber) -> int:
    """Stored email to and from the person: inbound raw messages are emptied,
    outbound ones scrubbed, any still waiting to go to them not sent."""
    count = 0
    for received in InboundEmail.objects.filter(sender__iexact=scrub.email).iterator():
        received.raw = b""
        received.sender = erased_email(user.pk)
        received.subject = scrub(received.subject, words=True)
        received.save(update_fields=["raw", "sender", "subject"])
        count += 1
    for reply in AutoReply.objects.filter(address__iexact=scrub.email):
        reply.address = erased_email(user.pk)
        reply.subject = scrub(reply.subject, words=True)
        reply.body = scrub(reply.body, words=True)
        reply.save(update_fields=["address", "subject", "body"])
        count += 1
    outgoing = OutboundEmail.objects.filter(
        Q(recipient=user)
        | Q(to__iexact=scrub.email)
        | scrub.candidates("body")
        | scrub.candidates("subject")
    )
    for email in outgoing.iterator(chunk_size=500):
        to_them = email.recipient_id == user.pk or email.to.lower() == scrub.email.lower()
        email.to = erased_email(user.pk) if to_them else email.to
        email.subject = scrub(email.subject, words=to_them)
        email.body = scrub(email.body, words=to_them)
        email.html_body = scrub(email.html_body, words=to_them)
        email.headers = {key: scrub(str(value)) for key, value in email.headers.items()}
        fields = ["to", "subject", "body", "html_body", "headers"]
        if to_them and email.state in (State.PENDING, State.SENDING):
            email.state = State.SKIPPED
            email.error = "The recipient was erased."
            fields += ["state", "error"]
        email.save(update_fields=fields)
        count += 1
    return count


def _scrub_logs(user: User, scrub: _Scrubber) -> None:
    """Sign-in records (django-axes) and the admin's change log name people too."""
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=scrub.email).update(username=erased_email(user.pk))
    users = ContentType.objects.get_for_model(User)
    for entry in LogEntry.objects.filter(
        Q(content_type=users, object_id=str(user.pk)) | scrub.candidates("object_repr")
    ):
        entry.object_repr = scrub(entry.object_repr, words=True)
        entry.change_message = scrub(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])


def _delete_files(keys: list[str]) -> None:
    for key in keys:
        default_storage.delete(key)


def user_erase(
    *, actor: User, user: User, remove_files: bool = False, now: datetime | None = None
) -> AuditEntry:
    """Erase ``user``'s personal data (see the module's docstring); returns the audit entry.

    Raises ``PermissionDenied`` when ``actor`` may not, and ``ValidationError``
    when the user was erased already (two admins at once: one wins).
    """
    now = now or timezone.now()
    if not may_erase(actor, user):
        raise PermissionDenied("You may not erase this user.")
    removed_files: list[str] = []
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_erased:
            raise ValidationError({"user": _("This user was erased already.")})
        scrub = _Scrubber(name=user.full_name.strip(), email=user.email)

        changed_tickets, messages_changed = _scrub_tickets(user, scrub)

        uploads = Attachment.objects.filter(uploaded_by=user)
        files = 0
        if remove_files:
            removed_files = [name for name in uploads.values_list("file", flat=True) if name]
            changed_tickets.update(uploads.values_list("ticket_id", flat=True))
            files = uploads.delete()[0]
        else:
            for attachment in uploads.filter(scrub.candidates("name", words=True)):
                attachment.name = scrub(attachment.name, words=True)
                attachment.save(update_fields=["name"])

        tokens = ApiToken.objects.filter(user=user).delete()[0]
        devices = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            devices += 1
        PinCheck.objects.filter(email__iexact=scrub.email).update(email="")
        EmailOptOut.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).exclude(email_error="").update(email_error="")
        Macro.objects.filter(owner=user).delete()  # personal macros; shared ones have none
        emails = _scrub_mail(user, scrub)
        _scrub_logs(user, scrub)

        user.full_name = FORMER_NAME
        user.email = erased_email(user.pk)
        user.set_unusable_password()
        user.is_active = False
        user.support_pin = ""
        user.support_pin_set_at = None
        user.queue_columns = []
        user.save()
        sessions = _end_sessions(user)

        # Search documents name requesters and authors: rebuilt after the
        # user row changed, so the new name is what they hold.
        for ticket in Ticket.objects.filter(pk__in=changed_tickets).select_related("requester"):
            search_document_refresh(ticket)
            notes_document_refresh(ticket)

        entry = AuditEntry.objects.create(
            action=AuditEntry.Action.USER_ERASED,
            created_at=now,
            actor=actor,
            actor_role=actor.role,
            organization_id=user.organization_id,
            subject_user_id=user.pk,
            details={
                "role": user.role,
                "tickets_reindexed": len(changed_tickets),
                "messages_scrubbed": messages_changed,
                "files_removed": files,
                "api_tokens_deleted": tokens,
                "two_factor_devices_deleted": devices,
                "sessions_ended": sessions,
                "emails_scrubbed": emails,
            },
        )
        if removed_files:
            # Files go once the rows are gone for good: a rollback keeps both.
            transaction.on_commit(partial(_delete_files, list(removed_files)))
    return entry
