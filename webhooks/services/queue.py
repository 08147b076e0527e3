"""Queueing a delivery's send task; a broker that is down is the sweeper's business."""

from __future__ import annotations

import logging

from celery import current_app

logger = logging.getLogger(__name__)

SEND_TASK = "webhooks.send"


def delivery_queue(delivery_id: int, **options) -> None:
    try:
        current_app.send_task(SEND_TASK, args=[delivery_id], **options)
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper tries again
        logger.warning("Could not queue webhook delivery %s; the sweeper will.", delivery_id)
