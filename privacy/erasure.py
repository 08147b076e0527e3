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

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.parser import BytesParser
from functools import partial
from importlib import import_module
from urllib.parse import parse_qsl, urlencode

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery import current_app
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from accounts.models import ApiToken, PinCheck, User
from accounts.models.users import ERASED_EMAIL_DOMAIN
from inbound.models import AutoReply, InboundEmail
from notifications.models import EmailOptOut, Notification
from outbox.models import OutboundEmail, State
from privacy.files import files_deleted_on_commit
from privacy.models import AuditEntry, DataExport
from tickets.models import (
    Attachment,
    Macro,
    Message,
    SatisfactionRating,
    SavedView,
    Status,
    Ticket,
    TicketEvent,
    TicketFollower,
)
from tickets.services.common import search_document_text
from webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

END_SESSIONS_TASK = "privacy.end_sessions"
REINDEX_BATCH = 500

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


def _plain(text: str) -> str:
    """``text`` without accents, composed: "Zoë" and "Zoe\u0308" both read "Zoe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@dataclass
class _Scrubber:
    """Replaces one person's name and email addresses in texts.

    Names match whole words, with or without their accents; addresses match
    whole addresses ("jimbob@…" is not "bob@…"). Every word of the name is
    replaced only where ``words`` is set (the person's own tickets and
    writing); the surname, more telling than a first name, wherever the text
    is searched (``surname``).
    """

    name: str
    emails: set[str]

    def __post_init__(self) -> None:
        self.emails = {email.lower() for email in self.emails if email}
        self.email = next(iter(sorted(self.emails)), "")
        names = {self.name, _plain(self.name)} - {""}
        self._emails = (
            re.compile(
                r"(?<![\w.+-])(?:"
                + "|".join(re.escape(e) for e in sorted(self.emails))
                + r")(?![\w-]|\.\w)",
                re.IGNORECASE,
            )
            if self.emails
            else None
        )
        full = [r"\s+".join(re.escape(part) for part in name.split()) for name in names]
        self._name = re.compile(r"\b(?:" + "|".join(full) + r")\b", re.I) if full else None
        self.words = sorted(
            {w for name in names for w in name.split() if len(w) >= MIN_NAME_WORD}, key=len
        )
        parts = self.name.split()
        surnames = {parts[-1], _plain(parts[-1])} if len(parts) > 1 else set()
        self.surnames = sorted(w for w in surnames if len(w) >= MIN_NAME_WORD)
        self._words = self._any(self.words)
        self._surnames = self._any(self.surnames)

    @staticmethod
    def _any(words: list[str]) -> re.Pattern | None:
        if not words:
            return None
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)

    def __call__(self, text: str, *, words: bool = False, surname: bool = True) -> str:
        if not text:
            return text
        changed = unicodedata.normalize("NFC", text)
        if self._emails is not None:
            changed = self._emails.sub(EMAIL_PLACEHOLDER, changed)
        patterns = [self._name, self._words if words else None, self._surnames if surname else None]
        for pattern in patterns:
            if pattern is not None:
                changed = pattern.sub(FORMER_NAME, changed)
        return changed if changed != unicodedata.normalize("NFC", text) else text

    def mentions(self, text: str) -> bool:
        return self(text, words=False, surname=True) != text

    def candidates(self, column: str, *, words: bool = False) -> Q:
        """Rows whose ``column`` may hold the name or an address (a superset)."""
        condition = Q(pk__in=[])
        for email in self.emails:
            condition |= Q(**{f"{column}__icontains": email})
        needles = set(self.words if words else self.surnames) or {self.name}
        # The longest word of the name finds the full name too.
        needles |= set(self.words[-1:])
        for needle in needles - {""}:
            condition |= Q(**{f"{column}__icontains": needle})
        return condition


def _scrub_saved_views(user: User, scrub: _Scrubber) -> None:
    """Their own saved views go; others' (and shared ones) stop naming them: an
    assignee filter on one of their addresses is dropped, a search or a name
    mentioning them is scrubbed like any text."""
    SavedView.objects.filter(owner=user).delete()
    # Stored URL-encoded ("%40"): every view filtering by assignee or searching is read.
    stored = Q(query__contains="assignee=") | Q(query__contains="q=") | scrub.candidates("name")
    for view in SavedView.objects.filter(stored):
        kept = [
            (key, scrub(value))
            for key, value in parse_qsl(view.query)
            if not (key == "assignee" and value.strip().lower() in scrub.emails)
        ]
        name = scrub(view.name)
        if SavedView.objects.filter(owner=view.owner_id, name=name).exclude(pk=view.pk).exists():
            name = f"{name} {view.pk}"
        view.query, view.name = urlencode(kept), name
        view.save(update_fields=["query", "name"])


def _ticket_scope(user: User) -> Q:
    """The tickets whose texts may name ``user`` (see the module's docstring)."""
    own = (
        Q(requester=user)
        | Q(assignee=user)
        | Q(pk__in=Message.objects.filter(author=user).values("ticket_id"))
        | Q(pk__in=TicketEvent.objects.filter(actor=user).values("ticket_id"))
        # The history names the people added as followers (issue 18).
        | Q(pk__in=TicketFollower.objects.filter(user=user).values("ticket_id"))
        # Assigned or followed once, unassigned or removed since: the history
        # still names them (events record whom they are about).
        | Q(pk__in=TicketEvent.objects.filter(subject=user).values("ticket_id"))
    )
    if user.is_customer:
        return own | Q(organization_id=user.organization_id)
    return own


def end_sessions(user_id: int) -> int:
    """Delete every live session of the user (from the cache too); after an
    erasure, off the request (the sessions were refused already: the password
    changed and the account is inactive)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key")
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def _queue_end_sessions(user_id: int) -> None:
    try:
        current_app.send_task(END_SESSIONS_TASK, args=[user_id])
    except Exception:  # noqa: BLE001 - the sessions are refused already; rows expire
        logger.warning("Could not queue ending the sessions of user %s.", user_id)


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
        subject = scrub(ticket.subject, words=words)
        description = scrub(ticket.description, words=words)
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

    # Webhook deliveries keep the JSON they sent (30 days): what named them goes.
    deliveries = WebhookDelivery.objects.filter(event__ticket__in=scope).filter(
        scrub.candidates("body", words=True)
    )
    for delivery in deliveries.only("pk", "body").iterator(chunk_size=500):
        body = scrub(delivery.body, words=True)
        if body != delivery.body:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(body=body)

    # Ratings' comments are the rater's words, or name the agent who helped.
    ratings = SatisfactionRating.objects.filter(ticket__in=scope).filter(
        scrub.candidates("comment", words=True)
    )
    for rating in ratings:
        comment = scrub(rating.comment, words=rating.rater_id == user.pk)
        if comment != rating.comment:
            SatisfactionRating.objects.filter(pk=rating.pk).update(comment=comment)

    # History names the people assigned by their name at the time: on the
    # tickets in scope only (another person may bear the same name).
    events = TicketEvent.objects.filter(
        ticket__in=scope, kind__in=[TicketEvent.Kind.ASSIGNED, TicketEvent.Kind.FOLLOWERS]
    )
    events.filter(from_value__iexact=scrub.name).update(from_value=FORMER_NAME)
    events.filter(to_value__iexact=scrub.name).update(to_value=FORMER_NAME)
    return changed, messages_changed


def _email_text(raw: bytes) -> str:
    """Every header and text part of a stored email, decoded (for a search)."""
    try:
        message = BytesParser(policy=email_policy.default).parsebytes(raw)
        parts = [f"{key}: {value}" for key, value in message.items()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts.append(str(part.get_content()))
    except Exception:  # noqa: BLE001 - unparsable: search the bytes as they are
        return raw.decode("utf-8", "replace")
    return "\n".join(parts)


def _own_addresses(user: User) -> set[str]:
    """The addresses the person wrote to us from: their account's, and any other
    their email tickets were filed under (a private address support moved)."""
    theirs = InboundEmail.objects.filter(
        Q(sender__iexact=user.email)
        | Q(posted_message__author=user)
        | Q(posted_message__isnull=True, ticket__requester=user)
    )
    return {user.email.lower()} | {
        sender.lower() for sender in theirs.values_list("sender", flat=True) if sender
    }


def _scrub_mail(user: User, scrub: _Scrubber) -> int:
    """Stored email to and from the person: received messages that mention them
    are emptied, sent ones scrubbed, any still waiting to go to them not sent."""
    count = 0
    received = InboundEmail.objects.filter(
        Q(sender__in=scrub.emails) | Q(ticket__in=Ticket.objects.filter(_ticket_scope(user)))
    ).only("pk", "raw", "sender", "subject", "reason", "error")
    for stored in received.iterator(chunk_size=200):
        own = stored.sender.lower() in scrub.emails
        if not own and not scrub.mentions(_email_text(bytes(stored.raw))):
            continue
        stored.raw = b""
        stored.sender = erased_email(user.pk) if own else stored.sender
        stored.subject = scrub(stored.subject, words=own)
        stored.reason = scrub(stored.reason)
        stored.error = scrub(stored.error)
        stored.save(update_fields=["raw", "sender", "subject", "reason", "error"])
        count += 1
    for reply in AutoReply.objects.filter(address__in=scrub.emails):
        reply.address = erased_email(user.pk)
        reply.subject = scrub(reply.subject, words=True)
        reply.body = scrub(reply.body, words=True)
        reply.save(update_fields=["address", "subject", "body"])
        count += 1
    outgoing = OutboundEmail.objects.filter(
        Q(recipient=user)
        | Q(to__in=scrub.emails)
        | scrub.candidates("body")
        | scrub.candidates("subject")
    )
    for sent in outgoing.iterator(chunk_size=500):
        to_them = sent.recipient_id == user.pk or sent.to.lower() in scrub.emails
        before = (sent.to, sent.subject, sent.body, sent.html_body, sent.headers)
        sent.to = erased_email(user.pk) if to_them else sent.to
        sent.subject = scrub(sent.subject, words=to_them)
        sent.body = scrub(sent.body, words=to_them)
        sent.html_body = scrub(sent.html_body, words=to_them)
        sent.headers = {key: scrub(str(value)) for key, value in sent.headers.items()}
        fields = ["to", "subject", "body", "html_body", "headers"]
        if to_them and sent.state in (State.PENDING, State.SENDING):
            sent.state = State.SKIPPED
            sent.error = "The recipient was erased."
            fields += ["state", "error"]
        if before != (sent.to, sent.subject, sent.body, sent.html_body, sent.headers):
            sent.save(update_fields=fields)
            count += 1
    return count


def _reindex(ticket_ids: set[int]) -> None:
    """Rebuild the search documents of ``ticket_ids``, a batch at a time (three
    queries per batch, not per ticket)."""
    ordered = sorted(ticket_ids)
    for start in range(0, len(ordered), REINDEX_BATCH):
        batch = ordered[start : start + REINDEX_BATCH]
        tickets = list(Ticket.objects.filter(pk__in=batch).select_related("requester"))
        public: dict[int, list[Message]] = {ticket.pk: [] for ticket in tickets}
        notes: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
        written = (
            Message.objects.filter(ticket_id__in=batch)
            .select_related("author")
            .order_by("created_at", "id")
        )
        for message in written:
            if message.is_internal:
                notes[message.ticket_id].append(message.body)
            else:
                public[message.ticket_id].append(message)
        for ticket in tickets:
            ticket.search_document = search_document_text(ticket, public[ticket.pk])
            ticket.notes_document = "\n".join(notes[ticket.pk])
        Ticket.objects.bulk_update(tickets, ["search_document", "notes_document"])


def _expire_exports(user: User) -> int:
    """The person's own exports go too (their zips hold what was just erased)."""
    exports = list(DataExport.objects.filter(requested_by=user).exclude(file=""))
    for export in exports:
        files_deleted_on_commit([export.file.name])
    DataExport.objects.filter(requested_by=user).update(state=DataExport.State.EXPIRED, file="")
    return len(exports)


def _scrub_logs(user: User, scrub: _Scrubber) -> None:
    """Sign-in records (django-axes: address, browser) go; the admin's change log is scrubbed."""
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=scrub.emails).delete()
    users = ContentType.objects.get_for_model(User)
    for entry in LogEntry.objects.filter(
        Q(content_type=users, object_id=str(user.pk)) | scrub.candidates("object_repr")
    ):
        entry.object_repr = scrub(entry.object_repr, words=True)
        entry.change_message = scrub(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])


def _no_statement_timeout() -> None:
    """Erasure runs in the admin's request, whose statements the web server
    stops after 30 s (DATABASE_STATEMENT_TIMEOUT_SECONDS); scrubbing a large
    organisation's messages may take longer, and a cancelled statement would
    roll the whole erasure back. Lifted for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")


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
        _no_statement_timeout()
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_erased:
            raise ValidationError({"user": _("This user was erased already.")})
        holding = Ticket.objects.filter(assignee=user).exclude(
            status__in=[Status.SOLVED, Status.CLOSED]
        )
        if user.is_support_staff and holding.exists():
            raise ValidationError(
                {
                    "user": _(
                        "They still hold %(count)d active tickets: assign them to "
                        "someone else first."
                    )
                    % {"count": holding.count()}
                }
            )
        scrub = _Scrubber(name=user.full_name.strip(), emails=_own_addresses(user))

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
        PinCheck.objects.filter(email__in=scrub.emails).update(email="")
        EmailOptOut.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).exclude(email_error="").update(email_error="")
        TicketFollower.objects.filter(user=user).delete()  # after the scope read them
        Macro.objects.filter(owner=user).delete()  # personal macros
        Macro.objects.filter(assignee=user).update(assignee=None)  # shared ones assigning them
        _scrub_saved_views(user, scrub)
        exports = _expire_exports(user)
        emails = _scrub_mail(user, scrub)
        _scrub_logs(user, scrub)

        user.full_name = FORMER_NAME
        user.email = erased_email(user.pk)
        user.set_unusable_password()  # every session of theirs is refused from now on
        user.is_active = False
        user.support_pin = ""
        user.support_pin_set_at = None
        user.queue_columns = []
        user.save()

        # Search documents name requesters and authors: rebuilt after the
        # user row changed, so the new name is what they hold.
        _reindex(changed_tickets)

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
                "exports_deleted": exports,
                "emails_scrubbed": emails,
            },
        )
        files_deleted_on_commit(removed_files)
        transaction.on_commit(partial(_queue_end_sessions, user.pk), robust=True)
    return entry
