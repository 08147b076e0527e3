"""The delivery body in the OpenAPI schema's components (drf-spectacular hook).

Webhook deliveries are not endpoints, so nothing generates their shape: it is
written here, and must change with ``webhooks.payloads`` (a new field is
added under the same version; removing or changing one needs version 2).
"""

from __future__ import annotations

from webhooks.models import TEST_EVENT_TYPE, EventType
from webhooks.signing import REPLAY_WINDOW_SECONDS

_PERSON = {
    "type": "object",
    "nullable": True,
    "properties": {
        "name": {"type": "string"},
        "email": {
            "type": "string",
            "nullable": True,
            "description": "Null for support staff in a customer-owned hook's delivery.",
        },
    },
}

DESCRIPTION = (
    "The JSON body POSTed to a webhook. Headers: `X-Helpdesk-Delivery` (a UUID, the same "
    "on every retry of one delivery: drop one you have already processed), "
    "`X-Helpdesk-Event` (the `type`) and `X-Helpdesk-Signature: t=<unix seconds>,v1=<hex>`. "
    "To verify: compute HMAC-SHA256 with the hook's secret over the bytes `t`, `.` and the "
    "raw body; compare with `v1` in constant time; refuse a `t` more than "
    f"{REPLAY_WINDOW_SECONDS} seconds from your clock (the replay window). For 24 hours "
    "after the secret is rotated the header carries two signatures, "
    "`t=<unix seconds>,v1=<new>,v1=<old>` (the new secret's first, the previous one's "
    "second): accept the delivery if any `v1` matches a secret you hold, so you can switch "
    "to the new secret within that day without refusing a delivery. Answer 2xx within "
    "10 seconds; anything else (redirects included: none is followed) is retried with "
    "exponential backoff, and a hook that keeps failing is disabled and its owner emailed. "
    "Customer-owned hooks receive only what their organisation's customers see in the API: "
    "no internal notes, no internal events, no other organisation's tickets. Support hooks "
    "also receive internal notes (`message.internal` true) and `sla.breached`."
)


def webhook_components(result, generator, request, public):
    """Add ``WebhookDelivery`` (schema version 1) to ``components.schemas``."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["WebhookDelivery"] = {
        "type": "object",
        "description": DESCRIPTION,
        "required": [
            "version",
            "id",
            "type",
            "occurred_at",
            "organization",
            "actor",
            "ticket",
            "change",
            "message",
        ],
        "properties": {
            "version": {"type": "string", "enum": ["1"], "description": "The schema version."},
            "id": {"type": "string", "format": "uuid", "description": "The delivery id."},
            "type": {
                "type": "string",
                "enum": [*EventType.values, TEST_EVENT_TYPE],
                "description": "What happened; webhook.test for a test delivery.",
            },
            "occurred_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the event happened.",
            },
            "organization": {
                "type": "object",
                "nullable": True,
                "description": "The ticket's organisation; null for a test.",
                "properties": {"alias": {"type": "string"}, "name": {"type": "string"}},
            },
            "actor": {**_PERSON, "description": "Who acted; null when the system did."},
            "ticket": {
                "type": "object",
                "nullable": True,
                "description": "The ticket as it was when the event was processed.",
                "properties": {
                    "number": {"type": "integer"},
                    "subject": {"type": "string"},
                    "status": {"type": "string"},
                    "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
                    "url": {"type": "string", "format": "uri"},
                    "requester": _PERSON,
                    "assignee": _PERSON,
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
            "change": {
                "type": "object",
                "nullable": True,
                "description": "For status, assignment and SLA events: the value before and "
                "after (assignees by name; for sla.breached, which target).",
                "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
            },
            "message": {
                "type": "object",
                "nullable": True,
                "description": "For message.added.",
                "properties": {
                    "id": {"type": "integer"},
                    "author": _PERSON,
                    "body": {"type": "string", "description": "Markdown."},
                    "internal": {"type": "boolean"},
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    }
    return result
