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
- A degraded replica (down, or lagging past ``HELPDESK_REPLICA_MAX_LAG_SECONDS``,
  as ``ops.replica`` probes it every few seconds) is not read: its reads go to
  the primary. A request decides once, at its first replica read, and checks
  the replica's connection then; a replica that fails a request's query after
  that (it died mid-request) has the view run again on the primary.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from contextvars import ContextVar

import multidb
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, Error, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from multidb.middleware import READ_ONLY_METHODS, pinning_cookie, pinning_seconds
from multidb.pinning import pin_this_thread, this_thread_is_pinned, unpin_this_thread

from ops.replica import REPLICA, replica_health, replica_mark_down

# Only the desk's lists and pages read the replica. Sessions, users, tokens,
# devices, lockouts and health stay on the primary: a stale copy of those would
# bring back an ended session or a revoked token for as long as the lag.
REPLICA_APPS = frozenset({"tickets", "notifications"})
# Set while a read-only request runs: reads outside requests never see a replica.
_request_may_read_replica: ContextVar[bool] = ContextVar("request_may_read_replica", default=False)
_request_wrote: ContextVar[bool] = ContextVar("request_wrote", default=False)
# Whether this request reads the replica: None until its first read decides.
_request_uses_replica: ContextVar[bool | None] = ContextVar("request_uses_replica", default=None)


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
            or not _replica_readable()
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        if _request_may_read_replica.get():
            # From this write on the request reads what it wrote, and so will its client.
            pin_this_thread()
            _request_wrote.set(True)
        return DEFAULT_DB_ALIAS


def _replica_readable() -> bool:
    """Whether this request may read the replica: decided at its first read,
    from the kept health and the replica's connection (checked, or opened, now)."""
    decided = _request_uses_replica.get()
    if decided is None:
        decided = replica_health().usable and _replica_connects()
        _request_uses_replica.set(decided)
    return decided


def _replica_connects() -> bool:
    replica = connections[REPLICA]
    try:
        # Django's own health check of a kept connection (it would run at the
        # first query anyway), then a connection if there is none.
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except Error as error:
        replica_mark_down(error)
        return False
    return True


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
        uses_replica = _request_uses_replica.set(None)
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
            _request_uses_replica.reset(uses_replica)
            unpin_this_thread()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view that read the replica and met a database error: if the replica
        is what failed (it went down mid-request), run the view again on the
        primary, once. Only read-only requests ever read the replica, so the
        second run repeats no write of the first."""
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not _request_uses_replica.get() or this_thread_is_pinned():
            return None
        replica = connections[REPLICA]
        if replica.connection is not None and replica.is_usable():
            return None  # the primary failed, not the replica: nothing to retry on
        replica_mark_down(exception)
        _request_uses_replica.set(False)
        pin_this_thread()
        match = request.resolver_match
        if match is None:
            return None
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
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
