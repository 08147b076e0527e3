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
import random
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
from tickets.api.throttling import bucket_hit
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


def hook_rotate_secret(*, hook: Webhook, now: datetime | None = None) -> str:
    """A new secret, signing every send from now on; returns it (shown once).

    The secret it replaces signs too, as a second ``v1``, for
    ``WEBHOOKS_SECRET_OVERLAP_HOURS``; rotating again within that time drops
    the oldest (only the last two ever sign)."""
    hook.previous_secret = hook.secret
    hook.secret = signing.secret_generate()
    hook.secret_rotated_at = now or timezone.now()
    hook.save(update_fields=["secret", "previous_secret", "secret_rotated_at"])
    return hook.secret


def signing_secrets(hook: Webhook, *, now: datetime) -> tuple[str, str]:
    """The secret to sign with, and the previous one while the overlap lasts (else "")."""
    overlap = timedelta(hours=settings.WEBHOOKS_SECRET_OVERLAP_HOURS)
    rotated = hook.secret_rotated_at
    if hook.previous_secret and rotated is not None and now < rotated + overlap:
        return hook.secret, hook.previous_secret
    return hook.secret, ""


def hook_delete(*, hook: Webhook) -> None:
    hook.delete()


class TestsThrottled(Exception):
    """Too many test deliveries for this hook just now; ``seconds`` until the next may go."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def hook_send_test(*, hook: Webhook) -> WebhookDelivery:
    """Queue one ``webhook.test`` delivery (one attempt, not counted towards disabling).

    At most ``WEBHOOKS_TEST_RATE`` per hook (whoever asks, page or API): a
    button that POSTs to any URL on demand must not be a way to flood a
    receiver. Raises TestsThrottled past it. The count lives in the cache;
    with the cache down the test goes (as the API's own throttle does).
    """
    try:
        bucket = bucket_hit(f"webhook-test:{hook.pk}", settings.WEBHOOKS_TEST_RATE)
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        logger.warning("Webhook test throttling is off: the cache cannot be reached.")
    else:
        if not bucket.allowed:
            raise TestsThrottled(bucket.reset)
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
