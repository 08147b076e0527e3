"""Configuration that changes what tickets are owed: a policy, its targets, a
calendar, its hours or holidays, an organisation's tier. Each change replays
the clocks of the tickets still being worked, from their history, in a task
queued once the change commits (an admin's save must not wait on thousands
of tickets). If the broker is down the change still stands and each ticket
catches up at its next event; ``manage.py sla_refresh`` replays them all.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import current_app
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from accounts.models import Organization
from tickets.models import BusinessCalendar, Holiday, SlaPolicy, SlaPolicyTarget, WorkingHours

logger = logging.getLogger(__name__)

REFRESH_TASK = "tickets.sla_refresh"
CONFIGURATION = (SlaPolicy, SlaPolicyTarget, BusinessCalendar, WorkingHours, Holiday)


def _queue_refresh(organization_id: int | None) -> None:
    try:
        current_app.send_task(REFRESH_TASK, kwargs={"organization_id": organization_id})
    except Exception:  # noqa: BLE001 - any broker failure: tickets catch up at their next event
        logger.warning("Could not queue the service-level refresh; run manage.py sla_refresh.")


def configuration_changed(sender, **kwargs) -> None:
    transaction.on_commit(partial(_queue_refresh, None), robust=True)


def tier_may_change(sender, instance: Organization, **kwargs) -> None:
    if instance.pk is None:
        return
    before = Organization.objects.filter(pk=instance.pk).values_list("support_tier", flat=True)
    if before.first() not in (None, instance.support_tier):
        transaction.on_commit(partial(_queue_refresh, instance.pk), robust=True)


def connect() -> None:
    for model in CONFIGURATION:
        post_save.connect(configuration_changed, sender=model, dispatch_uid=f"sla-{model.__name__}")
        post_delete.connect(
            configuration_changed, sender=model, dispatch_uid=f"sla-del-{model.__name__}"
        )
    pre_save.connect(tier_may_change, sender=Organization, dispatch_uid="sla-tier")
