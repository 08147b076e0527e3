"""Signing a delivery: ``X-Helpdesk-Signature: t=<unix seconds>,v1=<hex>``.

``v1`` is HMAC-SHA256, keyed with the hook's secret, of the timestamp, a dot
and the raw body (``f"{t}.{body}"``). A receiver recomputes it over the bytes
it received, compares in constant time, and refuses a ``t`` more than
``REPLAY_WINDOW_SECONDS`` away from its clock; ``X-Helpdesk-Delivery`` (the
same on every retry of one delivery) lets it drop a delivery it already took.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Helpdesk-Signature"
DELIVERY_HEADER = "X-Helpdesk-Delivery"
EVENT_HEADER = "X-Helpdesk-Event"
REPLAY_WINDOW_SECONDS = 5 * 60


def secret_generate() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """What a receiver does (and the tests): the signature matches and is fresh."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > window:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
