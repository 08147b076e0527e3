"""How far a received message's From can be believed.

Mail is believed only as far as it is authenticated (DESIGN.md, "Notifications").
Two sources of evidence:

- ``Authentication-Results`` headers (RFC 8601), parsed with ``authres``, the
  parser dkimpy and authheaders themselves use. Anyone can write such a header
  into their own message, so a *pass* counts only from a header whose
  authserv-id is one of ours (``HELPDESK_EMAIL_AUTHSERV_IDS``: the receiving
  MTA's name, which must strip foreign headers carrying it, as Postfix with
  OpenDMARC and Exim do). A *fail* counts from any header: forging one only
  hurts the forger's own message.
- Our own DKIM check with ``dkimpy`` when ``HELPDESK_EMAIL_VERIFY_DKIM`` is on
  (for deployments whose MTA adds no results). It needs DNS (dnspython).

``judge`` turns that into a ``Verdict``; ``inbound.services`` decides with it.
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import authres
import dkim
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_SIGNATURES = 5  # DKIM signatures checked per message (each costs a DNS query)


@dataclass(frozen=True)
class Verdict:
    dmarc_failed: bool = False
    authenticated: bool = False  # a trusted DMARC pass, or DKIM aligned with From
    dkim_aligned: bool = False  # a trusted DKIM pass whose d= aligns with From
    evidence: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "; ".join(self.evidence) or "no authentication results"


def aligned(signing_domain: str, from_domain: str) -> bool:
    """Relaxed DMARC alignment: d= is the From domain or one of its parents.

    A bare top-level domain never aligns (nobody signs as ``com``).
    """
    signing_domain = signing_domain.strip().lower().rstrip(".")
    from_domain = from_domain.strip().lower().rstrip(".")
    if not signing_domain or "." not in signing_domain or not from_domain:
        return False
    return from_domain == signing_domain or from_domain.endswith("." + signing_domain)


def _results(raw_headers: list[str]) -> list[tuple[str, authres.AuthenticationResult]]:
    """(authserv-id, result) for every parsable result of every header."""
    found = []
    for value in raw_headers:
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
        except Exception:  # noqa: BLE001 - a malformed header is no evidence either way
            logger.info("Unparsable Authentication-Results header: %.200s", value)
            continue
        for result in parsed.results:
            found.append((str(parsed.authserv_id or "").lower(), result))
    return found


def _property(result: authres.AuthenticationResult, ptype: str, name: str) -> str:
    for prop in result.properties or []:
        if prop.type == ptype and prop.name == name:
            return str(prop.value or "").lower()
    return ""


def _dkim_domain(result: authres.AuthenticationResult) -> str:
    domain = _property(result, "header", "d")
    if not domain:
        identity = _property(result, "header", "i")
        domain = identity.rpartition("@")[2]
    return domain


DnsFunc = Callable[..., bytes | None]


def _own_dkim_domains(raw: bytes, dnsfunc: DnsFunc | None) -> list[str]:
    """Signing domains of the DKIM signatures that verify (checked by us)."""
    message = email.message_from_bytes(raw)
    count = min(len(message.get_all("DKIM-Signature") or []), MAX_SIGNATURES)
    domains = []
    for index in range(count):
        checker = dkim.DKIM(raw)
        try:
            ok = (
                checker.verify(idx=index, dnsfunc=dnsfunc) if dnsfunc else checker.verify(idx=index)
            )
        except Exception:  # a broken signature or DNS failure is no pass
            logger.info("DKIM signature %s did not verify", index, exc_info=True)
            continue
        if ok and checker.domain:
            domains.append(checker.domain.decode("ascii", "replace").lower())
    return domains


# Our own DKIM check's DNS lookup; tests point it at keys they made (the DNS is outside).
dns_lookup: DnsFunc | None = None


def judge(raw: bytes, from_address: str) -> Verdict:
    """What the headers and (if enabled) our own DKIM check say of the From domain."""
    from_domain = from_address.rpartition("@")[2].lower()
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    headers = [str(value) for value in message.get_all("Authentication-Results") or []]
    trusted_ids = {value.lower() for value in settings.HELPDESK_EMAIL_AUTHSERV_IDS}
    dmarc_failed = dmarc_passed = dkim_aligned = False
    evidence: list[str] = []
    for authserv_id, result in _results(headers):
        method, outcome = str(result.method).lower(), str(result.result).lower()
        trusted = authserv_id in trusted_ids
        if method == "dmarc":
            header_from = _property(result, "header", "from") or from_domain
            if outcome == "fail" and header_from == from_domain:
                dmarc_failed = True
                evidence.append(f"dmarc=fail for {from_domain} (reported by {authserv_id})")
            elif outcome == "pass" and trusted and header_from == from_domain:
                dmarc_passed = True
                evidence.append(f"dmarc=pass (reported by {authserv_id})")
        elif method == "dkim" and outcome == "pass" and trusted:
            domain = _dkim_domain(result)
            if aligned(domain, from_domain):
                dkim_aligned = True
                evidence.append(f"dkim=pass d={domain} (reported by {authserv_id})")
    if settings.HELPDESK_EMAIL_VERIFY_DKIM and not dkim_aligned:
        for domain in _own_dkim_domains(raw, dns_lookup):
            if aligned(domain, from_domain):
                dkim_aligned = True
                evidence.append(f"dkim=pass d={domain} (verified here)")
                break
    return Verdict(
        dmarc_failed=dmarc_failed,
        authenticated=(dmarc_passed or dkim_aligned) and not dmarc_failed,
        dkim_aligned=dkim_aligned and not dmarc_failed,
        evidence=evidence,
    )
