"""Where a webhook may send: the server-side request forgery guard.

A target must be ``https`` (``http`` only where ``WEBHOOKS_ALLOW_HTTP`` is
on, for tests), on a port of ``WEBHOOKS_ALLOWED_PORTS`` (443 and 8443: a
hook is no port scanner of the internet's other services), and every
address its host resolves to must be globally routable: loopback,
link-local (the cloud metadata service), private, shared, multicast,
reserved, documentation, benchmarking, deprecated site-local and
unspecified addresses are refused, for IPv4 and IPv6, IPv4-mapped and
NAT64 IPv6 included. The list is our own (``NOT_GLOBAL``) as well as
``ipaddress``'s: Python 3.11 calls ``fec0::/10`` and ``3fff::/20`` global.
``WEBHOOKS_ALLOW_PRIVATE_TARGETS`` lifts the address rule (tests run a
receiver on loopback).

The name is looked up in a worker thread for at most
``WEBHOOKS_DNS_TIMEOUT_SECONDS``: ``getaddrinfo`` has no timeout of its own,
and a slow resolver would hold a page (or a worker) for as long as it likes.

The check runs when a hook is registered and again just before each send,
and the send connects to the address vetted then (``webhooks.sending``), so
a name that resolves elsewhere a second later (DNS rebinding) changes nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class TargetRefused(ValueError):
    """The URL may not be called; the message says why, for the user."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written: the Host header, and the name TLS checks
    port: int
    path: str  # path and query
    addresses: tuple[str, ...]  # the vetted IPs, tried in turn; never any other

    @property
    def address(self) -> str:
        return self.addresses[0]


NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Not globally routable (IANA's special-purpose registries), whatever the
# running Python's ``ipaddress`` thinks: 3.11 misses some that 3.13 knows.
NOT_GLOBAL = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relays
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments (Teredo, benchmarking, ORCHID)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fe80::/10",
        "fec0::/10",  # deprecated site-local
        "ff00::/8",
    )
)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64:  # a gateway's translation of the IPv4 address inside
            return _is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return _is_public(mapped)
        if address.teredo is not None:
            return False
    if any(address in network for network in NOT_GLOBAL if network.version == address.version):
        return False
    return not (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


MAX_LOOKUPS = 32
_LOOKUPS = threading.BoundedSemaphore(MAX_LOOKUPS)


def _lookup(host: str, port: int) -> list:
    """``getaddrinfo`` in a daemon thread, waited for ``WEBHOOKS_DNS_TIMEOUT_SECONDS``.

    A lookup past the limit is abandoned, not stopped (nothing can stop it):
    its thread ends when the resolver gives up, and holds nothing of ours.
    Raises TimeoutError, or what ``getaddrinfo`` raised.
    """
    answer: list = []
    # Abandoned lookups hold a thread each until their resolver gives up: past
    # this many at once, a new one is refused at once rather than pile up.
    if not _LOOKUPS.acquire(blocking=False):
        raise TimeoutError

    def look() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            answer.append(error)
        finally:
            _LOOKUPS.release()

    thread = threading.Thread(target=look, name=f"webhook-dns-{host}", daemon=True)
    thread.start()
    thread.join(settings.WEBHOOKS_DNS_TIMEOUT_SECONDS)
    if not answer:
        raise TimeoutError
    if isinstance(answer[0], BaseException):
        raise answer[0]
    return answer[0]


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = _lookup(host, port)
    except TimeoutError as error:
        logger.info("Webhook target %s: no DNS answer in time.", host)
        raise TargetRefused(
            _(
                "%(host)s could not be looked up within %(seconds)d seconds; "
                "check the name, or try again later."
            )
            % {"host": host, "seconds": settings.WEBHOOKS_DNS_TIMEOUT_SECONDS}
        ) from error
    except (OSError, UnicodeError) as error:
        raise TargetRefused(
            _("%(host)s is not a public address: webhooks only call hosts on the public internet.")
            % {"host": host}
        ) from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def target_check(url: str) -> Target:
    """Vet ``url`` now; returns where to connect, or raises ``TargetRefused``."""
    parts = urlsplit(url.strip())
    allowed = ("https", "http") if settings.WEBHOOKS_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise TargetRefused(_("The URL must start with https://."))
    if parts.username or parts.password:
        raise TargetRefused(_("The URL may not contain a user name or password."))
    host = parts.hostname
    if not host:
        raise TargetRefused(_("The URL has no host."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused(_("The URL's port is not a number from 1 to 65535.")) from error
    allowed_ports = settings.WEBHOOKS_ALLOWED_PORTS
    if port not in allowed_ports:
        raise TargetRefused(
            _("The URL's port must be one of %(ports)s (it is %(port)d).")
            % {"ports": ", ".join(str(p) for p in allowed_ports), "port": port}
        )
    addresses = _resolve(host, port)
    if not addresses:
        raise TargetRefused(
            _("%(host)s is not a public address: webhooks only call hosts on the public internet.")
            % {"host": host}
        )
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        for address in addresses:
            # A scope id (fe80::1%eth0) is dropped: the address alone decides.
            if not _is_public(ipaddress.ip_address(address.split("%")[0])):
                # Which address, not said: the form would map internal DNS.
                logger.info("Webhook target %s refused: it resolves to %s.", host, address)
                raise TargetRefused(
                    _(
                        "%(host)s is not a public address: webhooks only call hosts "
                        "on the public internet."
                    )
                    % {"host": host}
                )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, tuple(addresses))
