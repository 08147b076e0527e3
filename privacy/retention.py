"""Retention: closed tickets older than a policy's months are deleted or anonymised.

A policy covers one organisation, or one support tier (its organisations
without a policy of their own). ``retention_apply`` works in batches of
tickets, each batch in its own transaction with its tickets' rows locked
(``SKIP LOCKED`` on PostgreSQL, so two runs at once share the work instead of
doing it twice), and writes one audit entry per batch naming the tickets it
removed. ``dry_run`` only counts.

Anonymising keeps the ticket's row, dates, status, category, priority, people
and service-level clocks (the figures of reports), and removes what was
written: the subject, description, messages, files, internal reference, the
search documents and the stored emails the ticket came from. People
themselves are erased separately (``privacy.erasure``).
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from inbound.models import InboundEmail
from privacy.files import files_deleted_on_commit
from privacy.models import AnonymisedTicket, AuditEntry, RetentionPolicy
from tickets.counters import counter_shift, counters_batched, ticket_state
from tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from webhooks.models import WebhookDelivery

# What an anonymised ticket's subject reads (stored data: not translated).
REMOVED_SUBJECT = "(removed by the retention policy)"
BATCH = 500
MAX_BATCHES = 200  # per policy and run: 100,000 tickets

logger = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` moved back by whole calendar months (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def due_tickets(policy: RetentionPolicy, *, now: datetime) -> QuerySet[Ticket]:
    """The tickets ``policy`` removes at ``now``: closed before its cut-off, in its scope."""
    tickets = Ticket.objects.filter(
        status=Status.CLOSED, closed_at__lt=months_before(now, policy.months)
    )
    if policy.organization_id is not None:
        tickets = tickets.filter(organization_id=policy.organization_id)
    else:
        own = RetentionPolicy.objects.filter(organization__isnull=False).values("organization_id")
        tickets = tickets.filter(organization__support_tier=policy.tier).exclude(
            organization_id__in=own
        )
    if policy.action == RetentionPolicy.Action.ANONYMISE:
        tickets = tickets.exclude(pk__in=AnonymisedTicket.objects.values("ticket_id"))
    return tickets


@dataclass
class Report:
    policy: RetentionPolicy
    cutoff: datetime
    due: int = 0
    done: int = 0
    batches: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        scope = self.policy.organization or self.policy.get_tier_display()
        verb = "deleted" if self.policy.action == RetentionPolicy.Action.DELETE else "anonymised"
        return (
            f"{scope}: closed before {self.cutoff:%Y-%m-%d} ({self.policy.months} months): "
            f"{self.due} due, {self.done} {verb}"
        )


def _files_of(ids: list[int]) -> list[str]:
    files = Attachment.objects.filter(ticket_id__in=ids)
    keys = [key for key in files.values_list("file", flat=True) if key]
    files.delete()
    return keys


def _delete(ids: list[int]) -> dict[str, int]:
    tickets = list(
        Ticket.objects.filter(pk__in=ids).only("pk", "organization_id", "status", "assignee_id")
    )
    with counters_batched():
        for ticket in tickets:
            counter_shift(
                organization_id=ticket.organization_id,
                from_state=ticket_state(ticket),
                to_state=None,
            )
    keys = _files_of(ids)
    emails = InboundEmail.objects.filter(
        Q(ticket_id__in=ids) | Q(posted_message__ticket_id__in=ids)
    ).delete()[0]
    messages = Message.objects.filter(ticket_id__in=ids).count()
    Ticket.objects.filter(pk__in=ids).delete()
    files_deleted_on_commit(keys)
    return {"messages": messages, "files": len(keys), "emails": emails}


def _anonymise(ids: list[int], policy: RetentionPolicy, now: datetime) -> dict[str, int]:
    Ticket.objects.filter(pk__in=ids).update(
        subject=REMOVED_SUBJECT,
        description="",
        internal_reference="",
        product="",
        resource="",
        search_document="",
        notes_document="",
    )
    messages = Message.objects.filter(ticket_id__in=ids).update(body="")
    # The webhook log keeps what it sent about them: it goes with the content.
    WebhookDelivery.objects.filter(event__ticket_id__in=ids).delete()
    keys = _files_of(ids)
    TicketEvent.objects.filter(ticket_id__in=ids, kind=TicketEvent.Kind.REFERENCE).update(
        from_value="", to_value=""
    )
    emails = InboundEmail.objects.filter(
        Q(ticket_id__in=ids) | Q(posted_message__ticket_id__in=ids)
    ).update(raw=b"", subject="")
    AnonymisedTicket.objects.bulk_create(
        [AnonymisedTicket(ticket_id=pk, anonymised_at=now, policy=policy) for pk in ids],
        ignore_conflicts=True,
    )
    files_deleted_on_commit(keys)
    return {"messages": messages, "files": len(keys), "emails": emails}


def retention_apply(
    policy: RetentionPolicy,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
    max_batches: int | None = MAX_BATCHES,
) -> Report:
    """Apply ``policy`` (see the module's docstring); returns what it found and did.

    Batches walk the tickets by number, never back over those done; at most
    ``max_batches`` per run (the next run goes on), so a first run over years
    of tickets does not hold the maintenance queue for hours.
    """
    now = now or timezone.now()
    report = Report(policy=policy, cutoff=months_before(now, policy.months))
    report.due = due_tickets(policy, now=now).count()
    if dry_run or not policy.enabled:
        return report
    last = 0
    while max_batches is None or len(report.batches) < max_batches:
        with transaction.atomic():
            ids = list(
                due_tickets(policy, now=now)
                .filter(pk__gt=last)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            last = ids[-1]
            if policy.action == RetentionPolicy.Action.ANONYMISE:
                # Another run may have anonymised some between our query and
                # our locks: this statement sees what it committed.
                done = set(
                    AnonymisedTicket.objects.filter(ticket_id__in=ids).values_list(
                        "ticket_id", flat=True
                    )
                )
                ids = [pk for pk in ids if pk not in done]
                if not ids:
                    continue
                counts = _anonymise(ids, policy, now)
            else:
                counts = _delete(ids)
            AuditEntry.objects.create(
                action=AuditEntry.Action.RETENTION_APPLIED,
                created_at=now,
                organization_id=policy.organization_id,
                details={
                    "policy": policy.pk,
                    "scope": policy.tier or f"organization {policy.organization_id}",
                    "action": policy.action,
                    "months": policy.months,
                    "cutoff": report.cutoff.isoformat(),
                    "tickets": ids,
                    **counts,
                },
            )
        report.done += len(ids)
        report.batches.append(len(ids))
    return report


def retention_run(
    *, now: datetime | None = None, dry_run: bool = False, max_batches: int | None = MAX_BATCHES
) -> list[Report]:
    """Every enabled policy, organisations' first (the beat task, and ``manage.py retention``).

    A policy that fails is logged and the others still run.
    """
    now = now or timezone.now()
    policies = RetentionPolicy.objects.filter(enabled=True).select_related("organization")
    ordered = sorted(policies, key=lambda policy: (policy.organization_id is None, policy.pk))
    reports = []
    for policy in ordered:
        try:
            reports.append(
                retention_apply(policy, now=now, dry_run=dry_run, max_batches=max_batches)
            )
        except Exception:
            logger.exception("Retention policy %s failed; the others run.", policy.pk)
    return reports
