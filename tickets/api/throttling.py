"""The API's rate limits, per user and per organisation, and the headers that show them.

Every request counts in its caller's bucket (``HELPDESK_API_RATE``: the user,
whatever token or session they use; an address before login) and, for a
customer, in their organisation's (``HELPDESK_API_ORGANIZATION_RATE``: all its
users and tokens together). A request the user's bucket refuses is not counted
against the organisation, so one runaway script does not use up its
colleagues' share.

Each bucket is a fixed window opened by its first request. Its counter is
raised with the cache's atomic ``incr`` (Redis ``INCR``; the local-memory
cache under its lock), so requests arriving together are each counted: DRF's
own throttles read a request log, append and write it back, and twenty
requests at once can all read the same log and all pass.

Every answer of an API view says where the caller stands, in the bucket
nearest its limit (``RateLimitHeadersMiddleware``):

- ``X-RateLimit-Limit``: requests allowed in the window;
- ``X-RateLimit-Remaining``: requests left in it;
- ``X-RateLimit-Reset``: seconds until the window ends and the count starts
  again (a duration, not a time, so the caller's clock does not matter).

A refused request answers 429 with ``Retry-After`` (the same seconds).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from accounts.backends import client_address

logger = logging.getLogger(__name__)

# Where a request's tightest bucket is kept for the middleware (on Django's request).
RATE_ATTRIBUTE = "helpdesk_rate_limit"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Bucket:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends
    allowed: bool


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/minute"`` as (600, 60): requests and the window's seconds."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0]]


def bucket_hit(name: str, rate: str, now: float | None = None) -> Bucket:
    """Count one request in bucket ``name`` and say where it stands.

    Raises whatever the cache raises when it cannot be reached.
    """
    limit, duration = parse_rate(rate)
    now = time.time() if now is None else now
    start_key = f"api-rate:{name}"
    if cache.add(start_key, now, timeout=duration):
        start = now
    else:
        # Everyone in this window reads the same start: only one add succeeded.
        start = cache.get(start_key)
        if start is None:  # the window ended between the two calls
            cache.add(start_key, now, timeout=duration)
            start = cache.get(start_key, now)
    count_key = f"{start_key}:{int(start * 1000)}"
    cache.add(count_key, 0, timeout=duration)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr: a window of its own
        cache.add(count_key, 0, timeout=duration)
        count = cache.incr(count_key)
    return Bucket(
        limit=limit,
        remaining=max(0, limit - count),
        reset=max(1, math.ceil(start + duration - now)),
        allowed=count <= limit,
    )


def tightest(buckets: list[Bucket]) -> Bucket:
    """The bucket to report: a refusing one, else the fewest left (the later reset on a tie)."""
    return min(buckets, key=lambda bucket: (bucket.allowed, bucket.remaining, -bucket.reset))


class ApiRateThrottle(BaseThrottle):
    """Per user (per address before login) and per organisation; see the module."""

    refused: Bucket | None = None

    def allow_request(self, request, view) -> bool:
        user = request.user
        if user.is_authenticated:
            caller = f"user:{user.pk}"
        else:
            caller = f"address:{client_address(request)}"
        organization_id = getattr(user, "organization_id", None)
        # The counts live in the cache. With the cache down, the request goes
        # through: losing the limit for a while is better than losing the
        # caller's reply to a 500.
        try:
            buckets = [bucket_hit(caller, settings.HELPDESK_API_RATE)]
            if buckets[0].allowed and organization_id is not None:
                buckets.append(
                    bucket_hit(
                        f"organization:{organization_id}",
                        settings.HELPDESK_API_ORGANIZATION_RATE,
                    )
                )
        except Exception:  # any cache backend's connection error
            logger.warning("API throttling is off: the cache cannot be reached.", exc_info=True)
            return True
        reported = tightest(buckets)
        setattr(request._request, RATE_ATTRIBUTE, reported)
        self.refused = None if reported.allowed else reported
        return self.refused is None

    def wait(self) -> float | None:
        return self.refused.reset if self.refused is not None else None


def is_counted(request) -> bool:
    """Whether this request has been through the throttle (DRF's or Django's request)."""
    return hasattr(getattr(request, "_request", request), RATE_ATTRIBUTE)


class RateLimitHeadersMiddleware:
    """Puts the throttle's figures on the answer of every API request it counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        bucket: Bucket | None = getattr(request, RATE_ATTRIBUTE, None)
        if bucket is not None:
            response["X-RateLimit-Limit"] = str(bucket.limit)
            response["X-RateLimit-Remaining"] = str(bucket.remaining)
            response["X-RateLimit-Reset"] = str(bucket.reset)
            if response.status_code == 429:
                # A refusal of a limit of its own (a webhook's tests) says its own wait.
                response.setdefault("Retry-After", str(bucket.reset))
        return response
