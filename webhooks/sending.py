"""One HTTP POST of a delivery, to the address the SSRF guard vetted.

urllib3 (already installed with requests and botocore, and the engine of
both) lets us connect to an IP address while still sending the host's name
in ``Host`` and checking the certificate against that name (SNI and
``assert_hostname``): the name is never resolved a second time. No
redirect is followed and no retry is made here (the outbox retries), the
timeouts are short, and at most ``MAX_RESPONSE_BYTES`` of the answer are read.

A host with several addresses (IPv6 and IPv4, or a few of each) is tried at
each vetted address in turn while the connection cannot be made (refused,
unreachable, connect timeout): nothing was sent then, so the next one cannot
deliver twice. Only the vetted addresses are ever tried, and all of them
within the one ``WEBHOOKS_TOTAL_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

import urllib3
from django.conf import settings

from webhooks.targets import Target

MAX_RESPONSE_BYTES = 4096


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _ascii_host(host: str) -> str:
    """An international name as its ASCII (punycode) form; UnicodeError if it has none."""
    return host if host.isascii() else host.encode("idna").decode("ascii")


def _pool(target: Target, host: str, address: str, connect: float) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=connect, read=settings.WEBHOOKS_READ_TIMEOUT_SECONDS)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(
        address, target.port, timeout=timeout, retries=False, maxsize=1
    )


class _Watchdog:
    """Shuts the watched pools' sockets at the deadline: any read in progress ends at once."""

    def __init__(self, seconds: float) -> None:
        self.opened: list = []
        self.expired = threading.Event()
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True

    def watch(self, pool: urllib3.HTTPConnectionPool) -> None:
        opened = self.opened
        base = pool.ConnectionCls

        class Watched(base):  # type: ignore[misc,valid-type]
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                opened.append(self)

        pool.ConnectionCls = Watched

    def _cut(self) -> None:
        self.expired.set()
        for connection in self.opened:
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def post(target: Target, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body``; never longer than ``WEBHOOKS_TOTAL_TIMEOUT_SECONDS`` in all.

    The read timeout bounds each wait for bytes, not the whole answer: a
    receiver sending one byte every few seconds would hold the worker for
    days. A watchdog shuts the connection's socket at the deadline, which
    ends any read at once, on any Celery pool.
    """
    started = time.monotonic()
    try:
        host = _ascii_host(target.host)
    except UnicodeError:
        return Outcome(None, "The host name cannot be written in ASCII (IDNA).", 0)
    default_port = 443 if target.scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if target.port == default_port else f"{shown}:{target.port}"
    limit = settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS
    watchdog = _Watchdog(limit)
    watchdog.timer.start()
    try:
        last = len(target.addresses) - 1
        for index, address in enumerate(target.addresses):
            left = limit - (time.monotonic() - started)
            if watchdog.expired.is_set() or left <= 0:
                raise TimeoutError
            connect = min(settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS, left)
            pool = _pool(target, host, address, connect)
            watchdog.watch(pool)
            try:
                response = pool.urlopen(
                    "POST",
                    target.path,
                    body=body,
                    headers={**headers, "Host": host_header},
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                )
                try:
                    response.read(MAX_RESPONSE_BYTES)
                finally:
                    response.release_conn()
                    response.close()
            except urllib3.exceptions.ConnectTimeoutError:
                # Refused, unreachable or too slow to connect (NewConnectionError
                # is one of these): nothing was sent, the next address may answer.
                if index == last:
                    raise
                continue
            finally:
                pool.close()
            break
        if watchdog.expired.is_set():
            raise TimeoutError
    except Exception as error:  # noqa: BLE001 - any failure is a failed attempt, logged
        if watchdog.expired.is_set():
            return Outcome(None, f"The receiver took more than {limit} s.", _since(started))
        return Outcome(None, _describe(error), _since(started))
    finally:
        watchdog.timer.cancel()
    status = response.status
    if 300 <= status < 400:
        return Outcome(status, "A redirect; webhooks do not follow redirects.", _since(started))
    if not 200 <= status < 300:
        return Outcome(status, f"The receiver answered {status}.", _since(started))
    return Outcome(status, "", _since(started))


def _describe(error: Exception) -> str:
    reason = getattr(error, "reason", None)
    return (str(reason or error) or type(error).__name__)[:300]


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
