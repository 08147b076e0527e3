"""Registering, changing, rotating, testing and deleting hooks."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from tickets.api.throttling import bucket_hit
from webhooks import payloads, signing
from webhooks.models import (
    CUSTOMER_EVENT_TYPES,
    TEST_EVENT_TYPE,
    EventType,
    Webhook,
    WebhookDelivery,
)
from webhooks.services.queue import delivery_queue
from webhooks.targets import TargetRefused, target_check

logger = logging.getLogger(__name__)


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


class SendTestThrottled(Exception):
    """Too many test deliveries for this hook just now; ``seconds`` until the next may go."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def hook_send_test(*, hook: Webhook) -> WebhookDelivery:
    """Queue one ``webhook.test`` delivery (one attempt, not counted towards disabling).

    At most ``WEBHOOKS_TEST_RATE`` per hook (whoever asks, page or API): a
    button that POSTs to any URL on demand must not be a way to flood a
    receiver. Raises SendTestThrottled past it. The count lives in the cache;
    with the cache down the test goes (as the API's own throttle does).
    """
    try:
        bucket = bucket_hit(f"webhook-test:{hook.pk}", settings.WEBHOOKS_TEST_RATE)
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        logger.warning("Webhook test throttling is off: the cache cannot be reached.")
    else:
        if not bucket.allowed:
            raise SendTestThrottled(bucket.reset)
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
        transaction.on_commit(partial(delivery_queue, delivery.pk), robust=True)
    return delivery
