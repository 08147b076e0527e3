"""Signing a delivery: ``X-Helpdesk-Signature: t=<unix seconds>,v1=<hex>``.

``v1`` is HMAC-SHA256, keyed with the hook's secret, of the timestamp, a dot
and the raw body (``f"{t}.{body}"``). A receiver recomputes it over the bytes
it received, compares in constant time, and refuses a ``t`` more than
``REPLAY_WINDOW_SECONDS`` away from its clock; ``X-Helpdesk-Delivery`` (the
same on every retry of one delivery) lets it drop a delivery it already took.

For a while after a rotation (``WEBHOOKS_SECRET_OVERLAP_HOURS``) the header
has two ``v1``, the new secret's first and the previous one's second
(``t=..,v1=<new>,v1=<old>``): a receiver accepts the delivery if any ``v1``
matches a secret it holds, so it can switch to the new one at its own pace.
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


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes, *, previous: str = "") -> str:
    """The header's value; with ``previous``, a second ``v1`` made with it."""
    header = f"t={timestamp},v1={_mac(secret, timestamp, body)}"
    if previous:
        header += f",v1={_mac(previous, timestamp, body)}"
    return header


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """What a receiver does (and the tests): one of the signatures matches, and is fresh."""
    pairs = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in pairs if key.strip() == "t"]
    try:
        timestamp = int(stamps[0])
    except (IndexError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > window:
        return False
    expected = _mac(secret, timestamp, body)
    found = [value.strip() for key, value in pairs if key.strip() == "v1"]
    # Every one compared, in constant time each: which one matched is not timed.
    return any([hmac.compare_digest(expected, value) for value in found])
