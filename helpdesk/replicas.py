"""Reads from a PostgreSQL streaming replica, with read-your-writes (issue 15).

Off unless ``DATABASE_REPLICA_URL`` is set. Then, on django-multidb-router's
pinning (a flag per thread, a cookie after a write):

- Only a web request that only reads may read the replica: a GET, HEAD or
  OPTIONS page or API call of a client that has not written in the last
  ``DATABASE_REPLICA_PIN_SECONDS``. Everything else reads the primary: other
  methods, workers, beat, commands, migrations, and any read inside a
  transaction on the primary (``select_for_update``, services).
- A client that wrote reads the primary for the pin's lifetime, so it sees
  its own writes whatever the replica's lag: browsers by a cookie; API clients
  (who keep no cookies) by their ``Authorization`` header, remembered in the
  cache. A read-only request that writes anyway (a session saved, a token's
  last use) pins itself from that write on, and pins the client after.
- Writes always go to the primary.
- Only the ``tickets`` and ``notifications`` apps are read from the replica;
  sessions, users, tokens and health always from the primary.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from contextvars import ContextVar

import multidb
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from multidb.middleware import READ_ONLY_METHODS, pinning_cookie, pinning_seconds
from multidb.pinning import pin_this_thread, this_thread_is_pinned, unpin_this_thread

REPLICA = "replica"
# Only the desk's lists and pages read the replica. Sessions, users, tokens,
# devices, lockouts and health stay on the primary: a stale copy of those would
# bring back an ended session or a revoked token for as long as the lag.
REPLICA_APPS = frozenset({"tickets", "notifications"})
# Set while a read-only request runs: reads outside requests never see a replica.
_request_may_read_replica: ContextVar[bool] = ContextVar("request_may_read_replica", default=False)
_request_wrote: ContextVar[bool] = ContextVar("request_wrote", default=False)


def _client_key(request: HttpRequest) -> str | None:
    """The cache key that pins an API client, by a digest of its credentials."""
    credentials = request.headers.get("Authorization")
    if not credentials:
        return None
    return "replica-pin:" + hashlib.sha256(credentials.encode()).hexdigest()


def _client_pinned(client_key: str) -> bool:
    try:
        return cache.get(client_key) is not None
    except Exception:  # noqa: BLE001 - the cache is down: the primary is always right
        return True


class ReplicaRouter(multidb.PinningReplicaRouter):
    """django-multidb-router's pinning router, limited to read-only requests."""

    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label not in REPLICA_APPS
            or not _request_may_read_replica.get()
            or this_thread_is_pinned()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        if _request_may_read_replica.get():
            # From this write on the request reads what it wrote, and so will its client.
            pin_this_thread()
            _request_wrote.set(True)
        return DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Decides, before anything reads, whether this request may read the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client_key = _client_key(request)
        read_only = request.method in READ_ONLY_METHODS
        pinned = (
            not read_only
            or pinning_cookie() in request.COOKIES
            or (client_key is not None and _client_pinned(client_key))
        )
        if pinned:
            pin_this_thread()
        else:
            unpin_this_thread()
        may_read = _request_may_read_replica.set(True)
        wrote = _request_wrote.set(False)
        try:
            response = self.get_response(request)
            if not read_only or _request_wrote.get():
                # An API client is pinned only once it is known: a stranger's
                # POST must not fill the cache with keys.
                user = getattr(request, "user", None)
                known = user is not None and user.is_authenticated
                self._pin_client(request, response, client_key if known else None)
        finally:
            _request_may_read_replica.reset(may_read)
            _request_wrote.reset(wrote)
            unpin_this_thread()
        return response

    @staticmethod
    def _pin_client(request: HttpRequest, response: HttpResponse, client_key: str | None) -> None:
        seconds = pinning_seconds()
        response.set_cookie(
            pinning_cookie(),
            "1",
            max_age=seconds,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        if client_key is not None:
            # A cache outage must not fail the answer to a write that happened.
            with contextlib.suppress(Exception):
                cache.set(client_key, 1, seconds)
