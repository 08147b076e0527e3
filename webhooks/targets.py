"""Where a webhook may send: the server-side request forgery guard.

A target must be ``https`` (``http`` only where ``WEBHOOKS_ALLOW_HTTP`` is
on, for tests), and every address its host resolves to must be public:
loopback, link-local (the cloud metadata service), private, shared,
multicast, reserved and unspecified addresses are refused, for IPv4 and
IPv6, IPv4-mapped IPv6 included. ``WEBHOOKS_ALLOW_PRIVATE_TARGETS`` lifts
the address rule (tests run a receiver on loopback).

The check runs when a hook is registered and again just before each send,
and the send connects to the address vetted then (``webhooks.sending``), so
a name that resolves elsewhere a second later (DNS rebinding) changes nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
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
    address: str  # the vetted IP the connection goes to


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64:  # a gateway's translation of the IPv4 address inside
            return _is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return _is_public(mapped)
        if address.teredo is not None:
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


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
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
    return Target(parts.scheme, host, port, path, addresses[0])
