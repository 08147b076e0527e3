"""Opening tickets: by customers, by support on a customer's behalf, and follow-ups."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from tickets import workflow
from tickets.attachments.storing import attachments_store, files_removed_on_error
from tickets.attachments.validation import CheckedFile, check_files
from tickets.counters import counter_shift, ticket_state
from tickets.events import one_act, record_event
from tickets.models import (
    REFERENCE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Category,
    Channel,
    Priority,
    Ticket,
    TicketEvent,
)
from tickets.services.common import clean_text, search_document_refresh
from tickets.services.fair_assignment import ticket_auto_assign


@one_act
def ticket_open(*, files: Sequence[UploadedFile] = (), **fields) -> Ticket:
    """Open a ticket (see ``open_checked``), with the request's ``files``.

    Files are checked before anything is written; a refused file opens no
    ticket and stores nothing.
    """
    checked = check_files(list(files))
    with files_removed_on_error() as written:
        return open_checked(checked=checked, written=written, **fields)


@one_act
@transaction.atomic
def open_checked(
    *,
    checked: list[CheckedFile],
    written: list[str],
    actor: User,
    category: Category,
    subject: str,
    description: str,
    priority: int = Priority.NORMAL,
    internal_reference: str = "",
    product: str = "",
    resource: str = "",
    channel: str | None = None,
    organization: Organization | None = None,
    requester: User | None = None,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    """Open a ticket. A customer opens one for their own organisation (Open);
    support opens one on a customer's behalf, naming the organisation and the
    requester (Waiting for customer, seed 002)."""
    subject = clean_text(
        subject,
        field="subject",
        required=_("Subject is required."),
        max_length=SUBJECT_MAX_LENGTH,
        too_long=_("Subject can be at most %(max)d characters (it has %(count)d)."),
    )
    description = clean_text(
        description, field="description", required=_("Description is required.")
    )
    internal_reference = (internal_reference or "").strip()
    if len(internal_reference) > REFERENCE_MAX_LENGTH:
        raise ValidationError(
            {
                "internal_reference": (
                    _("Internal reference can be at most %(max)d characters.")
                    % {"max": REFERENCE_MAX_LENGTH}
                )
            }
        )
    if category is None or not category.is_active:
        raise ValidationError({"category": _("Choose one of the available ticket types.")})
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose low, normal, high or urgent.")})

    if actor.is_support_staff:
        if organization is None:
            raise ValidationError({"organization": _("Choose the customer's organisation.")})
        if requester is None or requester.organization_id != organization.pk:
            raise ValidationError(
                {"requester": _("Choose a user of that organisation as the requester.")}
            )
        channel = channel or Channel.AGENT
    else:
        organization = actor.organization
        if organization is None:
            raise ValidationError(_("Only a member of an organisation can open a ticket."))
        requester = actor
        channel = channel or Channel.PORTAL
    if not requester.is_active:
        raise ValidationError({"requester": _("That user is deactivated.")})
    if not organization.is_active:
        raise ValidationError({"organization": _("That organisation is deactivated.")})

    now = timezone.now()
    by_support = actor.is_support_staff
    ticket = Ticket.objects.create(
        organization=organization,
        subject=subject,
        description=description,
        category=category,
        priority=priority,
        status=workflow.initial_status(actor),
        requester=requester,
        internal_reference=internal_reference,
        channel=channel,
        product=(product or "").strip()[:100],
        resource=(resource or "").strip()[:200],
        follow_up_of=follow_up_of,
        created_at=now,
        updated_at=now,
        customer_activity_at=None if by_support else now,
        support_activity_at=now if by_support else None,
    )
    counter_shift(organization_id=organization.pk, from_state=None, to_state=ticket_state(ticket))
    record_event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.CREATED,
        now=now,
        to_value=ticket.status,
        from_value=str(follow_up_of.pk) if follow_up_of else "",
    )
    attachments_store(
        checked=checked, ticket=ticket, message=None, uploaded_by=actor, written=written
    )
    search_document_refresh(ticket)
    if not by_support:  # an agent opening for a customer is the agent at hand
        ticket = ticket_auto_assign(ticket=ticket)
    return ticket
