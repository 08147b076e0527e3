"""Registering webhooks and delivering ticket events to them.

Delivery is a transactional outbox, as ``notifications`` is for emails:

1. ``deliveries_for_event`` runs inside the transaction in which
   ``notifications`` claims a ticket event (``notified_at``): it writes one
   ``WebhookDelivery`` per matching hook and event type, and queues one
   ``webhooks.send`` per row after commit. The event is claimed once, and
   the rows commit with the claim or not at all: no drop, no double.
2. ``delivery_send`` claims the row (pending -> sending, with a lease, the
   conditional UPDATE of ``outbox.delivery.claim``), re-checks the target,
   POSTs the signed body to the vetted address, logs the attempt, and marks
   the row delivered; a failure puts it back to pending after an
   exponential backoff, and after the last attempt it is failed.
3. ``webhooks_sweep`` re-queues rows a broker outage or a crash left behind;
   ``deliveries_purge`` deletes the log past ``WEBHOOKS_LOG_DAYS``.

A hook whose deliveries keep failing (``WEBHOOKS_DISABLE_AFTER_FAILURES``
failed attempts in a row, the first at least ``WEBHOOKS_DISABLE_AFTER_HOURS``
ago) is disabled, and its owner is told by email.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from outbox.delivery import claim
from outbox.models import Purpose
from outbox.services import email_enqueue
from tickets.models import TicketEvent
from webhooks import payloads, sending, signing
from webhooks.models import (
    CUSTOMER_EVENT_TYPES,
    TEST_EVENT_TYPE,
    EventType,
    State,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from webhooks.targets import TargetRefused, target_check

logger = logging.getLogger(__name__)

SEND_TASK = "webhooks.send"


def _queue(delivery_id: int, **options) -> None:
    try:
        current_app.send_task(SEND_TASK, args=[delivery_id], **options)
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper tries again
        logger.warning("Could not queue webhook delivery %s; the sweeper will.", delivery_id)


# --- Registering ---------------------------------------------------------------------


def event_types_for(user, hook: Webhook | None = None) -> tuple[str, ...]:
    """The event types ``user`` may subscribe a hook (``hook``, or a new one of theirs) to:
    a customer-owned hook never hears of internal ones, even when support edits it."""
    customer_owned = hook.customer_owned if hook is not None else not user.is_staff
    if not customer_owned:
        return tuple(EventType.values)
    return tuple(str(t) for t in CUSTOMER_EVENT_TYPES)


def _clean(
    *, actor: User, url: str, event_types: list[str], hook: Webhook | None = None
) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    url = url.strip()
    if len(url) > 500:
        errors["url"] = [_("The URL may be at most 500 characters long.")]
    else:
        try:
            target_check(url)
        except TargetRefused as error:
            errors["url"] = [str(error)]
    allowed = event_types_for(actor, hook)
    chosen = [t for t in allowed if t in set(event_types)]
    if not chosen or len(set(event_types)) != len(chosen):
        errors["event_types"] = [_("Choose at least one event, among those offered.")]
    if errors:
        raise ValidationError(errors)
    return url, chosen


def _organization_for(actor: User, organization: Organization | None) -> Organization | None:
    if actor.is_staff:
        return organization
    if actor.is_org_admin and actor.organization_id:
        return actor.organization
    raise PermissionError("Only support admins and customer admins register webhooks.")


def hook_create(
    *,
    actor: User,
    url: str,
    event_types: list[str],
    description: str = "",
    organization: Organization | None = None,
) -> tuple[Webhook, str]:
    """Register a hook; returns it and its secret (shown once). A support admin's
    hook hears ``organization``'s events (every one's when None); a customer
    admin's hears their own organisation's, as its customers see them.

    Raises ValidationError naming the field (``url``, ``event_types``).
    """
    organization = _organization_for(actor, organization)
    url, chosen = _clean(actor=actor, url=url, event_types=event_types)
    secret = signing.secret_generate()
    with transaction.atomic():
        if organization is not None:
            # The organisation's row is the lock: hooks made at once are counted in turn.
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            limit = settings.WEBHOOKS_PER_ORGANIZATION
            if Webhook.objects.filter(organization=organization).count() >= limit:
                raise ValidationError(
                    {
                        "url": _("An organisation may have %(count)d webhooks; delete one first.")
                        % {"count": limit}
                    }
                )
        return _hook_create(
            actor=actor,
            organization=organization,
            url=url,
            chosen=chosen,
            description=description,
            secret=secret,
        )


def _hook_create(*, actor, organization, url, chosen, description, secret):
    hook = Webhook.objects.create(
        organization=organization,
        customer_owned=not actor.is_staff,
        owner=actor,
        url=url,
        description=description.strip()[:200],
        event_types=chosen,
        secret=secret,
    )
    return hook, secret


def hook_update(
    *,
    actor: User,
    hook: Webhook,
    url: str,
    event_types: list[str],
    description: str = "",
    organization: Organization | None = None,
) -> Webhook:
    """Change a hook's target, events and description (and, for support, its
    organisation). Raises ValidationError naming the field; nothing is saved then."""
    url, chosen = _clean(actor=actor, url=url, event_types=event_types, hook=hook)
    hook.url, hook.event_types, hook.description = url, chosen, description.strip()[:200]
    fields = ["url", "event_types", "description"]
    if actor.is_staff and not hook.customer_owned:
        hook.organization = organization
        fields.append("organization")
    hook.save(update_fields=fields)
    return hook


def hook_set_active(*, hook: Webhook, active: bool) -> Webhook:
    """Enable (failures forgotten) or disable a hook. A disabled hook gets no new
    deliveries; those already queued fail when their turn comes."""
    hook.is_active = active
    hook.disabled_reason = "" if active else _("Disabled by hand.")
    hook.consecutive_failures = 0
    hook.failing_since = None
    hook.save(
        update_fields=["is_active", "disabled_reason", "consecutive_failures", "failing_since"]
    )
    return hook


def hook_rotate_secret(*, hook: Webhook) -> str:
    """A new secret, in force for every send from now on; returns it (shown once)."""
    hook.secret = signing.secret_generate()
    hook.save(update_fields=["secret"])
    return hook.secret


def hook_delete(*, hook: Webhook) -> None:
    hook.delete()


def hook_send_test(*, hook: Webhook) -> WebhookDelivery:
    """Queue one ``webhook.test`` delivery (one attempt, not counted towards disabling)."""
    with transaction.atomic():
        now = timezone.now()
        delivery_id = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            webhook=hook,
            event=None,
            event_type=TEST_EVENT_TYPE,
            delivery_id=delivery_id,
            body=payloads.body_for_test(delivery_id=delivery_id, now=now),
            created_at=now,
        )
        transaction.on_commit(partial(_queue, delivery.pk), robust=True)
    return delivery


# --- From ticket events to deliveries ------------------------------------------------


def deliveries_for_event(*, event: TicketEvent) -> list[int]:
    """Write the deliveries of one ticket event; returns their ids.

    Must run in the transaction that claimed the event (``notifications``),
    so the rows commit with that claim. Customer-owned hooks get only events
    of their organisation that its customers may see.
    """
    types = payloads.event_types_of(event)
    if not types:
        return []
    hooks = list(
        Webhook.objects.filter(is_active=True)
        .filter(Q(organization__isnull=True) | Q(organization_id=event.organization_id))
        # A customer's hook speaks for its organisation while that organisation
        # is active and its owner still one of its active admins.
        .exclude(
            Q(customer_owned=True)
            & (
                Q(organization__is_active=False)
                | Q(owner__is_active=False)
                | ~Q(owner__role=User.Role.ADMIN)
                | ~Q(owner__organization_id=F("organization_id"))
            )
        )
    )
    if not hooks:
        return []
    event = (
        TicketEvent.objects.select_related(
            "ticket__organization",
            "ticket__requester",
            "ticket__assignee",
            "actor",
            "message__author",
        )
    ).get(pk=event.pk)
    visible_to_customers = payloads.customer_may_see(event)
    rows = []
    for hook in hooks:
        if hook.customer_owned and (
            not visible_to_customers or hook.organization_id != event.organization_id
        ):
            continue
        for event_type in types:
            if event_type not in hook.event_types:
                continue
            delivery_id = uuid.uuid4()
            rows.append(
                WebhookDelivery(
                    webhook=hook,
                    event=event,
                    event_type=event_type,
                    delivery_id=delivery_id,
                    body=payloads.body_for_event(
                        event,
                        event_type=event_type,
                        delivery_id=delivery_id,
                        customer_audience=hook.customer_owned,
                    ),
                    created_at=timezone.now(),
                )
            )
    if not rows:
        return []
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(event=event, state=State.PENDING).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        transaction.on_commit(partial(_queue, pk), robust=True)
    return ids


# --- Sending -------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from ``WEBHOOKS_RETRY_BASE_SECONDS``, at most six hours."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 60 * 60))


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """POST one delivery, at most once at a time; returns what happened.

    ``"sent"`` (a 2xx answer); ``"retry"`` (pending again, due after the
    backoff); ``"failed"`` (out of attempts, a test that failed, or the hook
    is disabled); ``"skipped"`` (not ours: delivered already, being sent by
    another worker, or not due yet).
    """
    now = now or timezone.now()
    ours = claim(WebhookDelivery.objects.all(), delivery_id, now=now)
    if ours is None:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    is_test = delivery.event_type == TEST_EVENT_TYPE
    if delivery.attempts > settings.WEBHOOKS_MAX_ATTEMPTS:
        # Claimed again and again without an outcome: its sender keeps dying.
        ours.update(state=State.FAILED, error=_("Gave up: no attempt finished."))
        return "failed"
    if not hook.is_active and not is_test:
        ours.update(state=State.FAILED, error=_("The webhook is disabled."))
        return "failed"
    body = delivery.body.encode()
    try:
        target = target_check(hook.url)
    except TargetRefused as error:
        outcome = sending.Outcome(None, str(error), 0)
    else:
        timestamp = int(time_now())
        outcome = sending.post(
            target,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "Helpdesk-Webhooks/1",
                signing.SIGNATURE_HEADER: signing.sign(hook.secret, timestamp, body),
                signing.DELIVERY_HEADER: str(delivery.delivery_id),
                signing.EVENT_HEADER: delivery.event_type,
            },
        )
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        response_code=outcome.status,
        error=outcome.error[:500],
        duration_ms=outcome.duration_ms,
    )
    if outcome.ok:
        ours.update(
            state=State.SENT, sent_at=timezone.now(), error="", response_code=outcome.status
        )
        if not is_test:
            Webhook.objects.filter(pk=hook.pk, consecutive_failures__gt=0).update(
                consecutive_failures=0, failing_since=None
            )
        return "sent"
    if not is_test:
        _count_failure(hook, now=now)
    if is_test or delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        ours.update(state=State.FAILED, error=outcome.error, response_code=outcome.status)
        return "failed"
    ours.update(
        state=State.PENDING,
        next_attempt_at=now + retry_delay(delivery.attempts),
        error=outcome.error,
        response_code=outcome.status,
    )
    return "retry"


def time_now() -> float:
    return timezone.now().timestamp()


def _count_failure(hook: Webhook, *, now: datetime) -> None:
    Webhook.objects.filter(pk=hook.pk).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce(F("failing_since"), now),
    )
    since = now - timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS)
    with transaction.atomic():
        disabled = Webhook.objects.filter(
            pk=hook.pk,
            is_active=True,
            consecutive_failures__gte=settings.WEBHOOKS_DISABLE_AFTER_FAILURES,
            failing_since__lte=since,
        ).update(
            is_active=False,
            disabled_reason=_("Disabled after %(count)d failed deliveries in a row.")
            % {"count": settings.WEBHOOKS_DISABLE_AFTER_FAILURES},
        )
        if disabled:
            _tell_owner(hook)


def _tell_owner(hook: Webhook) -> None:
    owner = hook.owner
    if owner is None or not owner.is_active:
        logger.warning("Webhook %s was disabled and has no active owner to tell.", hook.pk)
        return
    body = _(
        "Your webhook to %(url)s was disabled: its last %(count)d deliveries failed, "
        "over more than %(hours)d hours.\n\n"
        "Fix the receiver, send a test from the webhook's page, then enable it again: "
        "%(link)s\n"
    ) % {
        "url": hook.url,
        "count": settings.WEBHOOKS_DISABLE_AFTER_FAILURES,
        "hours": settings.WEBHOOKS_DISABLE_AFTER_HOURS,
        "link": settings.SITE_URL + hook_page_path(hook),
    }
    email_enqueue(
        purpose=Purpose.WEBHOOK_DISABLED,
        to=owner.email,
        recipient=owner,
        subject=_("Your webhook was disabled"),
        body=body,
    )


def hook_page_path(hook: Webhook) -> str:
    from django.urls import reverse

    if hook.customer_owned:
        return reverse("webhooks:portal_detail", args=[hook.pk])
    return reverse("webhooks:detail", args=[hook.pk])


def delivery_retry_delay(delivery_id: int) -> float | None:
    """Seconds until a pending delivery is due again (for the task's own retry)."""
    due = (
        WebhookDelivery.objects.filter(pk=delivery_id, state=State.PENDING)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return None if due is None else max(0.0, (due - timezone.now()).total_seconds())


def webhooks_sweep(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Re-queue deliveries left pending or whose sender died; returns how many."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.HELPDESK_OUTBOX_GRACE_SECONDS)
    lease = timedelta(seconds=settings.HELPDESK_EMAIL_LEASE_SECONDS)
    due = list(
        WebhookDelivery.objects.filter(
            Q(state=State.PENDING, next_attempt_at__isnull=True, created_at__lte=stale)
            | Q(state=State.PENDING, next_attempt_at__lte=now)
            | Q(state=State.SENDING, claimed_at__lt=now - lease)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        _queue(delivery_id)
    return len(due)


def deliveries_purge(*, now: datetime | None = None, batch: int = 5000) -> int:
    """Delete deliveries (and their attempts) older than ``WEBHOOKS_LOG_DAYS``."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOKS_LOG_DAYS)
    removed = 0
    while True:
        ids = list(
            WebhookDelivery.objects.filter(created_at__lt=cutoff)
            .exclude(state__in=[State.PENDING, State.SENDING])
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return removed
        WebhookAttempt.objects.filter(delivery_id__in=ids).delete()
        removed += WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
