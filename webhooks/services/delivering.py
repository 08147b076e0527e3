"""From ticket events to deliveries, sending them, and the log's upkeep."""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from outbox.delivery import claim
from outbox.models import Purpose
from outbox.services import email_enqueue
from tickets.models import TicketEvent
from webhooks import payloads, sending, signing
from webhooks.models import TEST_EVENT_TYPE, State, Webhook, WebhookAttempt, WebhookDelivery
from webhooks.services.hooks import signing_secrets
from webhooks.services.queue import delivery_queue
from webhooks.targets import TargetRefused, target_check

logger = logging.getLogger(__name__)


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
        transaction.on_commit(partial(delivery_queue, pk), robust=True)
    return ids


MAX_RETRY_DELAY_SECONDS = 6 * 60 * 60


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from ``WEBHOOKS_RETRY_BASE_SECONDS``, at most six hours,
    with equal jitter: between half the step and the whole step, at random.

    Without it, every delivery a receiver's outage failed at once would come
    back at once, again and again, and knock it over as it comes back up.
    """
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS
    step = min(base * 2 ** (max(attempts, 1) - 1), MAX_RETRY_DELAY_SECONDS)
    return timedelta(seconds=step / 2 + random.uniform(0, step / 2))


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
        secret, previous = signing_secrets(hook, now=now)
        outcome = sending.post(
            target,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "Helpdesk-Webhooks/1",
                signing.SIGNATURE_HEADER: signing.sign(secret, timestamp, body, previous=previous),
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


def disabled_hook_recipients(hook: Webhook) -> list[User]:
    """Who is told a hook was disabled: its owner while they still manage it
    (an active admin of its organisation; an active support admin, for a
    support hook), else those who do: the organisation's active admins (the
    active support admins, for a support hook). Never another organisation's
    people, and nobody whose role or account no longer lets them fix it."""
    if hook.customer_owned:
        managers = User.objects.filter(
            is_active=True, role=User.Role.ADMIN, organization_id=hook.organization_id
        )
    else:
        managers = User.objects.filter(is_active=True, role=User.Role.SUPPORT_ADMIN)
    if hook.owner_id is not None:
        owner = managers.filter(pk=hook.owner_id).first()
        if owner is not None:
            return [owner]
    return list(managers.order_by("pk"))


def _tell_owner(hook: Webhook) -> None:
    recipients = disabled_hook_recipients(hook)
    if not recipients:
        logger.warning("Webhook %s was disabled and nobody who manages it is active.", hook.pk)
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
    for recipient in recipients:
        email_enqueue(
            purpose=Purpose.WEBHOOK_DISABLED,
            to=recipient.email,
            recipient=recipient,
            subject=_("Your webhook was disabled"),
            body=body,
        )


def hook_page_path(hook: Webhook) -> str:
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
        delivery_queue(delivery_id)
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
